import Foundation
import Testing

@testable import FacilityEmulator

@Suite("Emulator: group creation and membership rules")
struct GroupWriteTests {
    @Test(arguments: ["dev-alice", "dev-carol"])
    func piOrProxyCreatesAnEmptyGroupWithTheNextGid(token: String) async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .post, "/account/groups", token: token, form: [("name", "newgrp"), ("repo_name", "m1234")])
            #expect(response.status == 200)
            let group = try response.decoded(SFAPIWire.GroupStats.self)
            #expect(group == SFAPIWire.GroupStats(gid: 60008, name: "newgrp", users: []))
            let state = await emulator.server.stateSnapshot()
            #expect(
                state.groups.last == EmulatorSeed.Group(name: "newgrp", gid: 60008, repo_name: "m1234", members: []))
        }
    }

    @Test(arguments: [
        ("dev-bob", "m1234", 403),  // a plain member
        ("dev-dave", "m1234", 403),  // PI of another project
        ("dev-alice", "m9999", 404),  // no such project
    ])
    func onlyManagersOfAnExistingProjectCreateGroups(token: String, repo: String, status: Int) async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .post, "/account/groups", token: token, form: [("name", "newgrp"), ("repo_name", repo)])
            #expect(response.status == status)
            #expect(response.detailMessage?.isEmpty == false)
            #expect(await emulator.server.stateSnapshot().groups.count == 2)
        }
    }

    @Test func creatingAnExistingGroupIs409() async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .post, "/account/groups", token: "dev-alice", form: [("name", "m1234g"), ("repo_name", "m1234")])
            #expect(response.status == 409)
            #expect(response.detailMessage == "Group m1234g already exists")
        }
    }

    @Test(arguments: [
        ("ninechars", "value_error.any_str.max_length"),
        ("grüppe", "value_error.str.ascii"),
    ])
    func badGroupNamesAre422InTheValidationShape(name: String, type: String) async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .post, "/account/groups", token: "dev-alice", form: [("name", name), ("repo_name", "m1234")])
            #expect(response.status == 422)
            #expect(response.validationIssues.map(\.type) == [type])
            #expect(response.validationIssues.first?.loc == ["body", "name"])
            #expect(await emulator.server.stateSnapshot().groups.count == 2)
        }
    }

    @Test func missingFormFieldsAre422FieldRequired() async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(.post, "/account/groups", token: "dev-alice", form: [])
            #expect(response.status == 422)
            #expect(
                response.validationIssues == [
                    SFAPIWire.ValidationIssue(
                        loc: ["body", "name"], msg: "field required", type: "value_error.missing"),
                    SFAPIWire.ValidationIssue(
                        loc: ["body", "repo_name"], msg: "field required", type: "value_error.missing"),
                ])
            let put = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-alice", form: [("action", "batch_add")])
            #expect(put.validationIssues.map(\.loc) == [["body", "usernames"]])
        }
    }

    @Test func batchAddAndRemoveHaveSetSemanticsAndReturnTheGroup() async throws {
        try await RunningEmulator.with { emulator in
            let add = [("usernames", "carol,bob"), ("action", "batch_add")]
            let first = try await emulator.api(.put, "/account/groups/m1234g", token: "dev-carol", form: add)
            #expect(first.status == 200)
            #expect(try first.decoded(SFAPIWire.GroupStats.self).memberNames == ["alice", "bob", "carol"])
            // The same PUT again changes nothing: a retry after a lost answer is safe.
            let again = try await emulator.api(.put, "/account/groups/m1234g", token: "dev-carol", form: add)
            #expect(try again.decoded(SFAPIWire.GroupStats.self).memberNames == ["alice", "bob", "carol"])

            let remove = [("usernames", "bob, erin"), ("action", "batch_remove")]
            let removed = try await emulator.api(.put, "/account/groups/m1234g", token: "dev-alice", form: remove)
            #expect(try removed.decoded(SFAPIWire.GroupStats.self).memberNames == ["alice", "carol"])

            let log = await emulator.server.requestLog().filter { $0.method == "PUT" }
            #expect(log.map(\.effect) == [true, false, true])
        }
    }

    @Test func addingSomeoneOutsideTheProjectIs422NamingThemAndChangesNothing() async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-alice",
                form: [("usernames", "carol,dave"), ("action", "batch_add")])
            #expect(response.status == 422)
            #expect(response.validationIssues.map(\.msg) == ["User dave is not a member of project m1234"])
            let group = await emulator.server.stateSnapshot().groups.first { $0.name == "m1234g" }
            #expect(group?.members == ["alice", "bob"])  // carol was valid, but a PUT is all or nothing
        }
    }

    @Test(arguments: ["batch_add", "batch_remove"])
    func anUnknownUserIs404AndChangesNothing(action: String) async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-alice",
                form: [("usernames", "bob,carol,ghost"), ("action", action)])
            #expect(response.status == 404)
            #expect(response.detailMessage == "User ghost not found")
            #expect(await emulator.server.stateSnapshot().groups.first?.members == ["alice", "bob"])
        }
    }

    @Test func membersMayNotChangeGroupsAndBadActionsAre422() async throws {
        try await RunningEmulator.with { emulator in
            let byMember = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-bob",
                form: [("usernames", "carol"), ("action", "batch_add")])
            #expect(byMember.status == 403)
            let badAction = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-alice", form: [("usernames", "carol"), ("action", "add")])
            #expect(badAction.status == 422)
            #expect(badAction.validationIssues.first?.type == "type_error.enum")
            let missingGroup = try await emulator.api(
                .put, "/account/groups/nosuch", token: "dev-alice",
                form: [("usernames", "carol"), ("action", "batch_add")])
            #expect(missingGroup.status == 404)
            #expect(await emulator.server.stateSnapshot().groups.first?.members == ["alice", "bob"])
        }
    }
}
