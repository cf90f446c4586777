import Foundation

/// Reading the Markdown a plan prints.
public enum PlanMarkdown {
    /// The line with every code span replaced by `<code>`: a run of backticks not escaped by a backslash, up to
    /// the next run of the same length (CommonMark 6.1); a run with no partner is kept as text.
    public static func withoutCodeSpans(_ line: String) -> String {
        let characters = Array(line)
        var out = ""
        var index = 0
        while index < characters.count {
            guard characters[index] == "`", index == 0 || characters[index - 1] != "\\" else {
                out.append(characters[index])
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end] == "`" { end += 1 }
            var search = end
            var closing: Int?
            while search < characters.count {
                guard characters[search] == "`" else {
                    search += 1
                    continue
                }
                var stop = search
                while stop < characters.count, characters[stop] == "`" { stop += 1 }
                if stop - search == end - index {
                    closing = stop
                    break
                }
                search = stop
            }
            out += closing == nil ? String(characters[index..<end]) : "<code>"
            index = closing ?? end
        }
        return out
    }
}
