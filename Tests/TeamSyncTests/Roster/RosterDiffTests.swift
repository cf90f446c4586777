import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Small people files, teams and lists, in memory.
enum RosterSample {
    static let people = """
        version: 1
        people:
          ana:
            name: Ana Morales
            email: ana@x.org
            accounts: {nersc: amorales, frontier: amoral}
          bo: {name: Bo Chen, email: bo@x.org, accounts: {nersc: bchen}}
          cem: {name: Cem Yilmaz, email: cem@x.org, accounts: {nersc: cyilmaz}, until: 2026-09-30}
          dora: {name: Dora Kovacs, email: dora@x.org, accounts: {nersc: dkovacs}}
          eli: {name: Eli Stone, email: eli@x.org, accounts: {nersc: estone}}

        """

    static let team = """
        version: 2
        team: t
        people: people.yaml
        facilities:
          nersc: {project: m1}
          frontier: {project: a1}
        members:
          ana: {role: pi}
          bo: {}
          cem: {}
          dora: {until: 2026-10-31}
          eli: {}
        policy:
          protected: [ana]

        """

    static let today = CalendarDay("2026-11-30")!

    static func diff(
        _ csv: String, people: String = people, team: String = team, columns: RosterColumns? = nil
    ) throws -> RosterDiff {
        let table = try CSVTable.parse(Data(csv.utf8), file: "list.csv")
        let teamFile = try RosterTeamFile.parse(team, file: "team.yaml")
        let mapping = columns ?? RosterColumns.guess(header: table.header, facilities: teamFile.facilities)
        return RosterDiff(
            entries: try mapping.entries(of: table, file: "list.csv"),
            people: try RosterPeopleFile.parse(people, file: "people.yaml"), team: teamFile, today: today)
    }
}

/// The diff matches list rows to people and sorts what differs, as a pure function of the texts.
struct RosterDiffTests {
    @Test func sameListAndTeamHaveNoDifferences() throws {
        let csv = "Name,Email,NERSC\nAna Morales,ana@x.org,amorales\nBo Chen,bo@x.org,bchen\nEli,eli@x.org,estone\n"
        #expect(try RosterSample.diff(csv).isEmpty)
    }

    @Test func matchesByEmailIgnoringCaseAndSpaces() throws {
        let csv = "Email\n  ANA@X.org \nbo@x.org\neli@x.org\n"
        #expect(try RosterSample.diff(csv).isEmpty)
    }

    @Test func matchesByAnyUsernameWhenThereIsNoEmail() throws {
        let csv = "Name,Frontier username,NERSC username\nAna,amoral,\nBo,,bchen\nEli,,estone\n"
        #expect(try RosterSample.diff(csv).isEmpty)
    }

    @Test func matchesByTheIdColumnWhenMappedEvenIfTheEmailDiffers() throws {
        let csv = "id,Email\nana,ana@x.org\nbo,bo.chen@y.org\neli,eli@x.org\n"
        let diff = try RosterSample.diff(csv)
        #expect(diff.newcomers.isEmpty && diff.missing.isEmpty)
        #expect(
            diff.differences == [
                .init(
                    id: "bo", name: "Bo Chen", facility: nil, listValue: "bo.chen@y.org", peopleValue: "bo@x.org",
                    line: 3)
            ])
    }

    @Test func sortsNewcomersMissingAndDifferences() throws {
        let csv = """
            Name,Email,NERSC username,Frontier username
            Zed Quinn,zq@x.org,zquinn,
            Ana Morales,ana@x.org,amorales,amoral
            Bo Chen,bo@x.org,bchen2,bochen
            Cem Yilmaz,cem@x.org,cyilmaz,
            "Kovacs, Dora",dora@x.org,,
            Alan Bell,abell@x.org,,

            """
        let diff = try RosterSample.diff(csv)
        #expect(diff.newcomers.map(\.person.id) == ["abell", "cem", "dora", "zq"])
        #expect(diff.newcomers.map(\.kind) == [.newPerson, .ended, .ended, .newPerson])
        #expect(diff.newcomers.map(\.until) == [nil, CalendarDay("2026-09-30"), CalendarDay("2026-10-31"), nil])
        #expect(diff.newcomers.first?.person == .init(id: "abell", name: "Alan Bell", email: "abell@x.org"))
        #expect(diff.missing.map(\.person.id) == ["eli"])
        #expect(diff.missing.first?.protected == false)
        #expect(
            diff.differences.map { "\($0.id) \($0.facility ?? "email") \($0.peopleValue ?? "-")>\($0.listValue)" } == [
                "bo frontier ->bochen", "bo nersc bchen>bchen2",
            ])
    }

    @Test func aKnownPersonWhoIsNotAMemberIsANewcomerKnownToThePeopleFile() throws {
        let team = RosterSample.team.replacingOccurrences(of: "  eli: {}\n", with: "")
        let csv = "Email\nana@x.org\nbo@x.org\neli@x.org\n"
        let diff = try RosterSample.diff(csv, team: team)
        #expect(diff.newcomers.map(\.kind) == [.notMember])
        #expect(
            diff.newcomers.first?.person
                == .init(id: "eli", name: "Eli Stone", email: "eli@x.org", accounts: ["nersc": "estone"]))
    }

    @Test func aProtectedMemberMissingFromTheListIsMarked() throws {
        let diff = try RosterSample.diff("Email\nbo@x.org\neli@x.org\n")
        #expect(diff.missing.map(\.person.id) == ["ana"])
        #expect(diff.missing.first?.protected == true)
    }

    @Test func anEmptyCellIsNeverADifference() throws {
        let csv = "Email,NERSC username,Frontier username\nana@x.org,,\nbo@x.org,bchen,\neli@x.org,,\n"
        #expect(try RosterSample.diff(csv).isEmpty)
    }

    @Test func newIDsComeFromTheEmailOrNameAndAreMadeUnique() throws {
        let csv = """
            Name,Email
            Ana María Ortiz,ana@y.org
            "Núñez, José",
            Ana Other,ana+lists@z.org
            Ana Mouse,ana@y.org

            """
        let diff = try RosterSample.diff(csv)
        #expect(diff.newcomers.map(\.person.id) == ["ana2", "analists", "jnunez"])
    }

    @Test func isDeterministicWhateverTheRowOrder() throws {
        let rows = ["Zed,zq@x.org,zquinn", "Ana,ana@x.org,amorales", "Bo,bo@x.org,other", "Yan,yan@x.org,"]
        let first = try RosterSample.diff("Name,Email,NERSC\n" + rows.joined(separator: "\n"))
        let second = try RosterSample.diff("Name,Email,NERSC\n" + rows.reversed().joined(separator: "\n"))
        #expect(first.newcomers.map(\.person.id) == second.newcomers.map(\.person.id))
        #expect(first.missing == second.missing)
        #expect(first.differences.map(\.listValue) == second.differences.map(\.listValue))
    }

    @Test func aTeamThatIsNotVersion2IsAnErrorWithItsLine() throws {
        let error = try #require(throws: RosterError.self) {
            try RosterTeamFile.parse("version: 1\nproject: m1\nmembers: {}\n", file: "team.yaml")
        }
        #expect(error.description.hasPrefix("team.yaml:1:10: error: roster diff needs a version 2 team manifest"))
    }

    @Test func aPeopleFileOfTheWrongShapeIsAnErrorWithItsLine() throws {
        let error = try #require(throws: RosterError.self) {
            try RosterPeopleFile.parse("version: 1\npeople:\n  ana: {name: Ana}\n  bo: [x]\n", file: "people.yaml")
        }
        #expect(error.description == "people.yaml:4:7: error: person 'bo' must be a mapping")
    }
}
