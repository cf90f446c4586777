import Foundation
import Testing

@testable import TeamSync

/// The CSV reader takes what spreadsheets export (RFC 4180) and names the line of anything it cannot read.
struct RosterCSVTests {
    func parse(_ text: String) throws -> CSVTable {
        try CSVTable.parse(Data(text.utf8), file: "list.csv")
    }

    @Test func readsQuotedFieldsWithCommasAndDoubledQuotes() throws {
        let table = try parse("Name,Note\n\"Okafor, Chidi\",\"says \"\"hi\"\"\"\nplain,\"\"\n")
        #expect(table.header == ["Name", "Note"])
        #expect(
            table.rows == [
                .init(line: 2, fields: ["Okafor, Chidi", "says \"hi\""]), .init(line: 3, fields: ["plain", ""]),
            ])
    }

    @Test func aQuotedFieldMayHoldALineBreakAndTheNextRowKeepsItsLine() throws {
        let table = try parse("Name,Address\nAna,\"1 Main St\nSantiago\"\nBo,Berkeley\n")
        #expect(table.rows.map(\.fields) == [["Ana", "1 Main St\nSantiago"], ["Bo", "Berkeley"]])
        #expect(table.rows.map(\.line) == [2, 4])
    }

    @Test func readsCRLFAByteOrderMarkAndNoFinalLineBreak() throws {
        let bytes = Data([0xEF, 0xBB, 0xBF]) + Data("Name,Email\r\nAna,a@x.org\r\nBo,b@x.org".utf8)
        let table = try CSVTable.parse(bytes, file: "list.csv")
        #expect(table.header == ["Name", "Email"])
        #expect(table.rows.map(\.fields) == [["Ana", "a@x.org"], ["Bo", "b@x.org"]])
    }

    @Test func skipsBlankLinesIncludingATrailingEmptyLine() throws {
        let table = try parse("Name,Email\n\nAna,a@x.org\n\n")
        #expect(table.rows == [.init(line: 3, fields: ["Ana", "a@x.org"])])
    }

    @Test func aRaggedRowIsAnErrorNamingItsLine() throws {
        let error = try #require(throws: RosterError.self) {
            try parse("Name,Email\nAna,a@x.org\nOkafor, Chidi,c@x.org\n")
        }
        #expect(error.file == "list.csv")
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("list.csv:3: error: this row has 3 fields but the header (line 1) has 2"))
        #expect(error.hint?.contains("double quotes") == true)
    }

    @Test func anUnterminatedQuoteIsAnErrorAtTheLineItOpens() throws {
        let error = try #require(throws: RosterError.self) {
            try parse("Name,Email\nAna,a@x.org\n\"Bo,b@x.org\nCem,c@x.org\n")
        }
        #expect(error.line == 3)
        #expect(error.message.contains("never ends"))
    }

    @Test func textAfterAClosingQuoteIsAnError() throws {
        let error = try #require(throws: RosterError.self) { try parse("Name,Email\n\"Ana\" M,a@x.org\n") }
        #expect(error.line == 2)
        #expect(error.message.contains("closing quote of field 1"))
    }

    @Test func bytesThatAreNotUTF8AreAnErrorWithTheirLine() throws {
        let latin1 = Data("Name,Email\n".utf8) + Data([0x45, 0xF6, 0x74, 0x76, 0x6F, 0x73, 0x2C, 0x61, 0x0A])
        let error = try #require(throws: RosterError.self) { try CSVTable.parse(latin1, file: "list.csv") }
        #expect(error.line == 2)
        #expect(error.message.contains("not UTF-8"))
        #expect(error.hint?.contains("CSV UTF-8") == true)
    }

    @Test func anEmptyFileIsAnError() throws {
        let error = try #require(throws: RosterError.self) { try parse("") }
        #expect(error.message.contains("no header row"))
    }
}
