import RoomEngine
import Testing

/// A kind with hidden state: each member holds a number only it may see
/// until it shows it (everyone then learns it was shown, only the owner what).
private struct SecretsLogic: RoomLogic {
    var kind: RoomKind { "secrets" }
    var logicVersion: UInt32 { 1 }
    var rules: RoomRules { RoomRules(capacity: 4, ticksPerSecond: 50, maxInputBytes: 32) }
    var hasMemberViews: Bool { true }

    func create(config: RoomConfig, seed: UInt64) -> SecretsState { SecretsState(held: [:], random: DeterministicRandom(seed: seed)) }
    func joinAttempt(state: borrowing SecretsState, member: MemberID, metadata: [String: String]) -> JoinDecision { .allow }
    func join(state: consuming SecretsState, member: MemberID) -> RoomStep<SecretsState, SecretsOperation> {
        state.held[member] = UInt8(1 + state.random.next(below: 9))
        return RoomStep(state: state)
    }
    func leave(state: consuming SecretsState, member: MemberID) -> RoomStep<SecretsState, SecretsOperation> {
        state.held[member] = nil
        return RoomStep(state: state)
    }
    func tick(
        state: consuming SecretsState, inputs: [RoomInputEnvelope<SecretsInput>], tick: UInt64, context: TickContext
    ) -> RoomStep<SecretsState, SecretsOperation> {
        RoomStep(state: state, operations: inputs.map { .shown($0.member, state.held[$0.member]) })
    }
    func terminate(state: consuming SecretsState) -> RoomStep<SecretsState, SecretsOperation> { RoomStep(state: state) }

    func view(of state: borrowing SecretsState, for member: MemberID) -> SecretsState {
        SecretsState(held: state.held.filter { $0.key == member }, random: DeterministicRandom(seed: 0))
    }
    func operation(_ operation: SecretsOperation, for member: MemberID, in state: borrowing SecretsState) -> SecretsOperation? {
        guard case .shown(let owner, _) = operation, owner != member else { return operation }
        return .shown(owner, nil)
    }
}

private struct SecretsState: RoomState, CanonicalCodable {
    var held: [MemberID: UInt8]
    var random: DeterministicRandom
}

private enum SecretsInput: RoomInput, CanonicalCodable {
    case show
    var inputClass: InputClass { .reliable }
}

private enum SecretsOperation: CanonicalCodable, Equatable, Sendable {
    case shown(MemberID, UInt8?)
}

@Suite("Member views over Socket.IO")
struct MemberViewsOverSocketIOTests {
    @Test("each joiner's snapshot is its own view, and each member gets its own version of an operation")
    func ownSnapshotsAndOperations() async throws {
        try await TestServer.with(kinds: .builtIn + [RoomKindEntry(SecretsLogic())]) { server in
            let ann = try await server.member(of: "secrets")
            let bob = try await server.member(of: "secrets")
            let annID = try #require(ann.view.member)
            let bobID = try #require(bob.view.member)
            let annSnapshot = try #require(ann.view.snapshot)
            let annSees = try SecretsState.decodeState(annSnapshot.state)
            #expect(Array(annSees.held.keys) == [MemberID(annID)])
            let bobSees = try SecretsState.decodeState(try #require(bob.view.snapshot).state)
            #expect(Array(bobSees.held.keys) == [MemberID(bobID)])

            let answer = try await ann.inputWithAck(SecretsInput.show.encodedBytes())
            #expect(answer["receipt"] != nil, "\(answer)")
            let secret = try #require(annSees.held[MemberID(annID)])
            try await ann.waitUntil("ann's own operation") { !$0.operationPayloads.isEmpty }
            try await bob.waitUntil("bob's version") { !$0.operationPayloads.isEmpty }
            #expect(try SecretsOperation(decoding: ann.view.operationPayloads[0]) == .shown(MemberID(annID), secret))
            #expect(try SecretsOperation(decoding: bob.view.operationPayloads[0]) == .shown(MemberID(annID), nil))
            #expect(ann.view.operationFaults.isEmpty && bob.view.operationFaults.isEmpty)
        }
    }

    @Test("the join answer says views; a rejoin without a sequence gets the member's own view, not the whole state")
    func rejoinGetsTheMembersView() async throws {
        try await TestServer.with(kinds: .builtIn + [RoomKindEntry(SecretsLogic())]) { server in
            let ann = try await server.client()
            let joined = try await ann.join("secrets")
            #expect(joined["views"] == .bool(true), "\(joined)")
            let bob = try await server.member(of: "secrets")
            let annID = try #require(ann.view.member)
            let before = ann.view
            await ann.cut()
            let back = try await server.client()
            let answer = try await back.rejoin(as: before, sequence: .some(nil))
            #expect(answer["views"] == .bool(true) && answer["member"]?.stringValue == annID, "\(answer)")
            guard case .binary(let bytes)? = answer["snapshot"] else {
                Issue.record("a rejoin without a sequence answered without a snapshot: \(answer)")
                return
            }
            let sees = try SecretsState.decodeState(try RoomSnapshot(decoding: Array(bytes.readableBytesView)).state)
            #expect(Array(sees.held.keys) == [MemberID(annID)], "ann sees only her own secret after a rejoin")
            #expect(try await server.client().join("whiteboard")["views"] == nil, "a kind without views does not say so")
            withExtendedLifetime(bob) {}
        }
    }
}
