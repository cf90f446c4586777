extension ManifestParser {
    /// Composes the YAML node tree, reporting syntax errors; nil when there is nothing to check further.
    ///
    /// Repeated keys are kept in the tree; `entries(of:allowed:)` reports each one where it is.
    mutating func compose(_ text: String) -> YAMLNode? {
        let root: YAMLNode?
        do {
            root = try YAMLComposer.singleDocument(in: text)
        } catch let error as YAMLSyntaxError {
            report(syntaxError: error)
            return nil
        } catch {
            report(.error, "cannot parse the YAML: \(error)", at: SourcePosition(line: 1, column: 1))
            return nil
        }
        guard let root, !isNull(root) else {
            report(
                .error, "the manifest is empty", at: SourcePosition(line: 1, column: 1),
                hint: "a manifest starts with 'version: 1', 'project: NAME' and 'members:'")
            return nil
        }
        return root
    }

    /// Reports a YAML syntax error at the problem's position, without echoing the (possibly huge) text.
    mutating func report(syntaxError error: YAMLSyntaxError) {
        switch error.kind {
        case .anotherDocument:
            report(
                .error, "the file holds more than one YAML document; a manifest is one document",
                at: error.position, hint: "put each project in its own file, or remove the '---' line")
        case .syntax:
            var context = ""
            if let text = error.context, let position = error.contextPosition {
                context = " (\(text) at line \(position.line), column \(position.column))"
            }
            report(
                .error, "invalid YAML: \(error.problem)\(context)", at: error.position,
                hint: error.problem.contains("Maximum nesting level")
                    ? "a team manifest needs at most 4 levels; this does not look like one" : nil)
        }
    }
}
