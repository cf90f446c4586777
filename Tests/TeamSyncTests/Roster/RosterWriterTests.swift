import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// `--write` edits the text in place: what it changes is exactly what the diff says, and nothing else moves.
struct RosterWriterTests {
    func write(
        _ csv: String, people: String = RosterSample.people, team: String = RosterSample.team
    ) throws -> RosterWriter.Output {
        let diff = try RosterSample.diff(csv, people: people, team: team)
        return try RosterWriter.apply(
            diff, people: people, peopleFile: "people.yaml", team: team, teamFile: "team.yaml",
            today: RosterSample.today)
    }

    /// Everyone in the sample team, as the list has them.
    static let everyone =
        "Name,Email,NERSC\nAna Morales,ana@x.org,amorales\nBo Chen,bo@x.org,bchen\nEli,eli@x.org,estone\n"

    @Test func endsAMissingMemberTheDayBeforeTodayInEachStyle() throws {
        let team = """
            version: 2
            people: people.yaml
            facilities: {nersc: {project: m1}}
            members:
              ana: {role: pi}
              bo: {role: pi_proxy}   # keeps this comment
              eli:
                role: member
              fay: { }
              gus:
              hal: {until: 2027-01-31, limits: {cpu_hours: 5}}
            policy: {protected: [ana]}

            """
        let output = try write("Email\nana@x.org\n", team: team)
        #expect(
            output.team == """
                version: 2
                people: people.yaml
                facilities: {nersc: {project: m1}}
                members:
                  ana: {role: pi}
                  bo: {role: pi_proxy, until: 2026-11-29}   # keeps this comment
                  eli:
                    role: member
                    until: 2026-11-29
                  fay: {until: 2026-11-29}
                  gus: {until: 2026-11-29}
                  hal: {until: 2026-11-29, limits: {cpu_hours: 5}}
                policy: {protected: [ana]}

                """)
        #expect(output.people == RosterSample.people)
    }

    @Test func neverEndsAProtectedMemberAndSaysSo() throws {
        let output = try write("Email\nbo@x.org\neli@x.org\n")
        #expect(output.team == RosterSample.team)
        #expect(output.report.written.isEmpty)
        #expect(
            output.report.leftAlone == [
                "ana (Ana Morales) is not on the list but is protected in team.yaml: not ended; end them by hand if they left"
            ])
    }

    @Test func leavesAnEndedMemberWhoIsOnTheListAgainForAPerson() throws {
        let output = try write(Self.everyone + "Dora,dora@x.org,dkovacs\n")
        #expect(output.team == RosterSample.team && output.people == RosterSample.people)
        #expect(output.report.leftAlone.count == 1)
        #expect(
            output.report.leftAlone.first?.contains("dora (Dora) is on the list again but ended on 2026-10-31") == true)
    }

    @Test func addsNewcomersInTheStyleOfTheEntriesBefore() throws {
        let csv = Self.everyone + "\"Doe, Jane \"\"JD\"\"\",jane.doe@y.org,jdoe\nNoah,noah@y.org,\n"
        let output = try write(csv)
        #expect(
            output.people.hasSuffix(
                """
                  eli: {name: Eli Stone, email: eli@x.org, accounts: {nersc: estone}}
                  janedoe: {name: "Doe, Jane \\"JD\\"", email: jane.doe@y.org, accounts: {nersc: jdoe}}
                  noah: {name: Noah, email: noah@y.org}

                """))
        #expect(output.team.contains("  eli: {}\n  janedoe: {}\n  noah: {}\npolicy:\n"))
        let people = try RosterPeopleFile.parse(output.people, file: "people.yaml")
        #expect(people.people.map(\.name).suffix(2) == ["Doe, Jane \"JD\"", "Noah"])
    }

    @Test func addsABlockEntryWithTheIndentationOfTheOneBefore() throws {
        let people = "version: 1\npeople:\n    ana:\n        name: Ana\n        email: ana@x.org   # work\n\n# end\n"
        let team = "version: 2\npeople: people.yaml\nmembers:\n    ana: {}\n"
        let output = try write("Name,Email\nAna,ana@x.org\nBo Chen,bo@x.org\n", people: people, team: team)
        #expect(
            output.people == """
                version: 1
                people:
                    ana:
                        name: Ana
                        email: ana@x.org   # work
                    bo:
                        name: Bo Chen
                        email: bo@x.org

                # end

                """)
        #expect(output.team == "version: 2\npeople: people.yaml\nmembers:\n    ana: {}\n    bo: {}\n")
    }

    @Test func replacesADifferingEmailAndUsernameInPlace() throws {
        let people = RosterSample.people.replacingOccurrences(
            of: "    email: ana@x.org\n", with: "    email: 'ana@x.org'   # primary\n")
        let csv =
            "id,Email,NERSC username,Frontier username\nana,ana@new.org,amorales,amoral2\nbo,,bchen,bochen\neli,,,\n"
        let output = try write(csv, people: people)
        #expect(
            output.people.contains(
                "    email: ana@new.org   # primary\n    accounts: {nersc: amorales, frontier: amoral2}\n"))
        #expect(
            output.people.contains(
                "  bo: {name: Bo Chen, email: bo@x.org, accounts: {nersc: bchen, frontier: bochen}}\n"))
        #expect(
            output.report.written.map(\.description) == [
                "people.yaml: ana: email ana@new.org (was ana@x.org)",
                "people.yaml: ana: frontier username amoral2 (was amoral)",
                "people.yaml: bo: frontier username bochen",
            ])
    }

    @Test func keepsCRLFLineEndings() throws {
        let people = RosterSample.people.replacingOccurrences(of: "\n", with: "\r\n")
        let team = RosterSample.team.replacingOccurrences(of: "\n", with: "\r\n")
        let output = try write(Self.everyone + "Noah,noah@y.org,\n", people: people, team: team)
        #expect(!output.people.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!output.team.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(output.team.contains("  noah: {}\r\n"))
    }

    @Test(arguments: [
        "Jo: \"Quote\" #1", "O'Brien, Tom", "- dash", "null", "yes", "{braces}, [brackets]", "tab\there", "back\\slash",
        "Émile Zoë", "x  two spaces", "trailing ",
    ])
    func aNameOfAnyTextStillReadsBackAsTheSameText(_ name: String) throws {
        let escaped = name.replacingOccurrences(of: "\"", with: "\"\"")
        let output = try write(Self.everyone + "\"\(escaped)\",new@y.org,\"nn,\"\"x\"\n")
        let people = try RosterPeopleFile.parse(output.people, file: "people.yaml")
        let added = try #require(people.people.last)
        #expect(added.name == name.trimmingCharacters(in: .whitespaces))
        #expect(added.accounts == ["nersc": "nn,\"x"])
        _ = try RosterTeamFile.parse(output.team, file: "team.yaml")
    }
}

extension RosterWriterTests {
    @Test func endsMembersWrittenWithATrailingCommaOrANestedBlock() throws {
        let team = """
            version: 2
            people: people.yaml
            members:
              ana: {role: pi}
              bo: {role: pi_proxy, }
              eli:
                role: member
                limits:
                  cpu_hours: 5   # a student
              # more to come
            policy:
              protected: [ana]

            """
        let output = try write("Email\nana@x.org\n", team: team)
        #expect(
            output.team == """
                version: 2
                people: people.yaml
                members:
                  ana: {role: pi}
                  bo: {role: pi_proxy, until: 2026-11-29 }
                  eli:
                    role: member
                    limits:
                      cpu_hours: 5   # a student
                    until: 2026-11-29
                  # more to come
                policy:
                  protected: [ana]

                """)
    }
}
