import Foundation

/// A CSV file read as RFC 4180 describes it: a header row naming the columns, then rows with as many fields.
///
/// Fields may be quoted (`"Okafor, Chidi"`, `"say ""hi"""`), and a quoted field may hold commas and line breaks.
/// Lines end in LF or CRLF; a UTF-8 byte order mark, blank lines and a missing last line break are accepted, as
/// spreadsheet exports produce them.
public struct CSVTable: Sendable, Hashable {
    /// One data row, with the line of the file it starts on.
    public struct Row: Sendable, Hashable {
        /// The 1-based line the row starts on (a quoted field may carry it over several lines).
        public var line: Int
        /// The fields, as many as the header has, unquoted.
        public var fields: [String]

        /// Creates a row.
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// The header row's column names, as written.
    public var header: [String]
    /// The data rows, in file order.
    public var rows: [Row]

    /// Reads and parses a CSV file.
    public static func read(_ path: String) throws(RosterError) -> CSVTable {
        // Only a regular file, bounded (a list of a large collaboration is a few megabytes), never blocking.
        switch InputFile.read(path, maxBytes: 64 << 20, what: "a membership list") {
        case .success(let data): return try parse(data, file: path)
        case .failure(let refusal): throw RosterError(file: path, message: refusal.message, hint: refusal.hint)
        }
    }

    /// Parses CSV bytes; `file` names them in errors.
    ///
    /// - Throws: `RosterError` for text that is not UTF-8, a quoted field that never closes, text after a closing
    ///   quote, a row with another number of fields than the header, or a file without a header.
    public static func parse(_ data: Data, file: String) throws(RosterError) -> CSVTable {
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column, byte) = ManifestFile.firstInvalidUTF8(in: data)
            throw RosterError(
                file: file, line: line, column: column,
                message: "the file is not UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)) is not part of a "
                    + "UTF-8 character)",
                hint: "export the list as \"CSV UTF-8\" (spreadsheets offer it next to plain CSV)")
        }
        var records = try records(in: text, file: file)
        guard !records.isEmpty else {
            throw RosterError(
                file: file, line: 1, message: "the file has no header row",
                hint: "the first line names the columns, e.g. Name,Email,NERSC username")
        }
        let header = records.removeFirst()
        for row in records where row.fields.count != header.fields.count {
            throw RosterError(
                file: file, line: row.line,
                message: "this row has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s") but the header "
                    + "(line \(header.line)) has \(header.fields.count)",
                hint: "put a field that contains a comma in double quotes (\"Okafor, Chidi\"), or add the missing "
                    + "commas")
        }
        return CSVTable(header: header.fields.map { $0.trimmingCharacters(in: .whitespaces) }, rows: records)
    }

    /// Splits the text into records; a blank line is no record.
    private static func records(in text: String, file: String) throws(RosterError) -> [Row] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var records: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var atFieldStart = true
        var recordHasText = false
        var index = 0

        func endRecord() {
            fields.append(String(field))
            if recordHasText { records.append(Row(line: recordLine, fields: fields)) }
            fields = []
            field = String.UnicodeScalarView()
            atFieldStart = true
            recordHasText = false
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if atFieldStart, scalar == "\"" {
                let openLine = line
                recordHasText = true
                index += 1
                var closed = false
                while index < scalars.count {
                    let inner = scalars[index]
                    index += 1
                    if inner == "\"" {
                        guard index < scalars.count, scalars[index] == "\"" else {
                            closed = true
                            break
                        }
                        index += 1
                    } else if inner == "\n" {
                        line += 1
                    }
                    field.append(inner)
                }
                guard closed else {
                    throw RosterError(
                        file: file, line: openLine, message: "a quoted field that starts on this line never ends",
                        hint: "close the field with a double quote, and double any quote inside it (\"\")")
                }
                if index < scalars.count, !["," as Unicode.Scalar, "\n", "\r"].contains(scalars[index]) {
                    throw RosterError(
                        file: file, line: line,
                        message: "text follows the closing quote of field \(fields.count + 1)",
                        hint: "inside a quoted field write a double quote as two (\"\"); outside it put nothing "
                            + "between the closing quote and the next comma")
                }
                atFieldStart = false
                continue
            }
            index += 1
            switch scalar {
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                atFieldStart = true
                recordHasText = true
            case "\r" where index < scalars.count && scalars[index] == "\n":
                continue  // the LF ends the record
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
                atFieldStart = false
                recordHasText = true
            }
        }
        endRecord()
        return records
    }
}
