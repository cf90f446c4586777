import Foundation

/// Reads one manifest file safely: only a regular file (see ``InputFile``), bounded in size, and decoded only if it
/// is UTF-8.
enum ManifestFile {
    /// What reading a file gave.
    enum Contents {
        /// The whole file, decoded.
        case text(String)
        /// Why it could not be read.
        case refused(Diagnostic)
    }

    /// The file's text, or the one diagnostic that says why it cannot be read.
    static func read(_ path: String, limits: ManifestLimits) -> Contents {
        func refuse(_ message: String, line: Int = 0, column: Int = 0, hint: String? = nil) -> Contents {
            .refused(.error(message, file: path, line: line, column: column, hint: hint))
        }
        let data: Data
        let sizeHint = "a team manifest is a few kilobytes; check that this is the file you meant"
        switch InputFile.read(path, maxBytes: limits.maxFileBytes, what: "a manifest", sizeHint: sizeHint) {
        case .success(let read): data = read
        case .failure(let refusal): return refuse(refusal.message, hint: refusal.hint)
        }
        if let text = String(validating: data, as: UTF8.self) { return .text(text) }
        let (line, column, byte) = firstInvalidUTF8(in: data)
        let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        return refuse(
            "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)) cannot start or "
                + "continue a character)",
            line: line, column: column,
            hint: utf16 ? "it looks like UTF-16; save it as UTF-8" : "save the file as UTF-8")
    }

    /// The 1-based line and column (in Unicode scalars) of the first byte that is not valid UTF-8, and that byte.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, byte: UInt8) {
        var line = 1
        var column = 1
        var offset = 0
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return (line, column, 0)
            case .error:
                let byte = offset < data.count ? data[data.startIndex + offset] : 0
                return (line, column, byte)
            }
        }
    }
}
