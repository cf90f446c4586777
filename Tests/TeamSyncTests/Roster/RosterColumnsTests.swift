import Foundation
import Testing

@testable import TeamSync

/// Which CSV column means what: guessed from the header, or named by flags or a mapping file.
struct RosterColumnsTests {
    @Test func guessesFromHeaderNamesIgnoringCase() {
        let header = ["Full Name", "E-Mail", "NERSC username", "frontier_username", "Person", "Institution"]
        let columns = RosterColumns.guess(header: header, facilities: ["nersc", "frontier", "perlmutter"])
        #expect(
            columns
                == RosterColumns(
                    id: "Person", name: "Full Name", email: "E-Mail",
                    accounts: ["nersc": "NERSC username", "frontier": "frontier_username"]))
    }

    @Test(arguments: ["nersc", "NERSC", "Nersc User", "nersc username", "nersc_username"])
    func guessesAFacilityColumn(_ header: String) {
        #expect(RosterColumns.guess(header: ["Name", header], facilities: ["nersc"]).accounts == ["nersc": header])
    }

    @Test func aMappedColumnMissingFromTheHeaderIsAnErrorListingTheColumns() throws {
        let table = try CSVTable.parse(Data("Name,Mail\nAna,a@x.org\n".utf8), file: "list.csv")
        let columns = RosterColumns(name: "Name", email: "Email")
        let error = try #require(throws: RosterError.self) { try columns.entries(of: table, file: "list.csv") }
        #expect(error.message == "the email column 'Email' is not in the header")
        #expect(error.hint == "the header's columns are 'Name', 'Mail'")
    }

    @Test func aListWithNothingToMatchOnIsAnError() throws {
        let table = try CSVTable.parse(Data("Name,Institution\nAna,UChile\n".utf8), file: "list.csv")
        let columns = RosterColumns.guess(header: table.header, facilities: ["nersc"])
        let error = try #require(throws: RosterError.self) { try columns.entries(of: table, file: "list.csv") }
        #expect(error.message.contains("no column tells who a row is"))
        #expect(error.hint?.contains("'Name', 'Institution'") == true)
    }

    @Test func entriesTrimCellsAndLeaveEmptyCellsOut() throws {
        let table = try CSVTable.parse(Data("Name,Email,OLCF user\n Ana , a@x.org ,\n".utf8), file: "list.csv")
        let columns = RosterColumns(name: "name", email: "Email", accounts: ["frontier": "OLCF user"])
        let entries = try columns.entries(of: table, file: "list.csv")
        #expect(entries == [RosterEntry(line: 2, name: "Ana", email: "a@x.org")])
    }

    @Test func readsAMappingFile() throws {
        let text = "id: Person\nname: Name\nemail: Email\naccounts: {nersc: \"NERSC username\", frontier: OLCF user}\n"
        let columns = try RosterColumns.parseMapping(text, file: "columns.yaml")
        #expect(
            columns
                == RosterColumns(
                    id: "Person", name: "Name", email: "Email",
                    accounts: ["nersc": "NERSC username", "frontier": "OLCF user"]))
    }

    @Test func anUnknownKeyInAMappingFileIsAnErrorWithItsLine() throws {
        let error = try #require(throws: RosterError.self) {
            try RosterColumns.parseMapping("name: Name\nmail: Email\n", file: "columns.yaml")
        }
        #expect(error.description.hasPrefix("columns.yaml:2:1: error: unknown key 'mail'"))
    }

    @Test func flagsOverrideTheMappingFile() {
        let file = RosterColumns(name: "Name", email: "Email", accounts: ["nersc": "NERSC"])
        let flags = RosterColumns(email: "Mail", accounts: ["frontier": "OLCF"])
        #expect(
            file.overridden(by: flags)
                == RosterColumns(name: "Name", email: "Mail", accounts: ["nersc": "NERSC", "frontier": "OLCF"]))
    }

    @Test(arguments: [("nersc=NERSC username", "nersc", "NERSC username"), (" frontier = OLCF ", "frontier", "OLCF")])
    func parsesAnAccountColumnArgument(_ argument: String, facility: String, column: String) throws {
        let parsed = try #require(RosterColumns.accountColumn(argument))
        #expect(parsed.facility == facility && parsed.column == column)
    }

    @Test(arguments: ["nersc", "=col", "nersc="])
    func refusesAnAccountColumnArgumentWithoutBothSides(_ argument: String) {
        #expect(RosterColumns.accountColumn(argument) == nil)
    }
}
