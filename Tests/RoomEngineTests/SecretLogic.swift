import RoomEngine

// A small Codable kind with hidden state, for the tests of CanonicalCodable
// and member views: each member picks a secret number (hidden from the
// others until everyone picked) and moves a marker (a streamed position).

struct SecretLogic: RoomLogic {
    var kind: RoomKind { "secret" }
    var logicVersion: UInt32 { 1 }
    var rules: RoomRules { RoomRules(capacity: 4, ticksPerSecond: 10, maxInputBytes: 64) }
    var hasMemberViews: Bool { true }

    func create(config: RoomConfig, seed: UInt64) -> SecretState {
        SecretState(players: [], revealed: false, random: DeterministicRandom(seed: seed))
    }

    func joinAttempt(state: borrowing SecretState, member: MemberID, metadata: [String: String]) -> JoinDecision { .allow }

    func join(state: consuming SecretState, member: MemberID) -> RoomStep<SecretState, SecretOperation> {
        var slot: UInt8 = 0
        while state.players.contains(where: { $0.slot == slot }) { slot += 1 }
        let start = UInt16(state.random.next(below: 100))
        state.players.append(SecretPlayer(slot: slot, member: member, secret: nil, x: start, y: 0))
        state.players.sort { $0.slot < $1.slot }
        return RoomStep(state: state, operations: [.joined(slot: slot, member: member)])
    }

    func leave(state: consuming SecretState, member: MemberID) -> RoomStep<SecretState, SecretOperation> {
        state.players.removeAll { $0.member == member }
        return RoomStep(state: state)
    }

    func tick(
        state: consuming SecretState, inputs: [RoomInputEnvelope<SecretInput>], tick: UInt64, context: TickContext
    ) -> RoomStep<SecretState, SecretOperation> {
        var operations: [SecretOperation] = []
        var rejections: [InputRejection] = []
        for envelope in inputs {
            guard let index = state.players.firstIndex(where: { $0.member == envelope.member }) else { continue }
            switch envelope.input {
            case .move(let x, let y):
                state.players[index].x = x
                state.players[index].y = y
            case .pick(let secret):
                guard state.players[index].secret == nil else {
                    rejections.append(InputRejection(member: envelope.member, sequence: envelope.sequence,
                                                     error: .duplicateElement("secret")))
                    continue
                }
                state.players[index].secret = secret
                operations.append(.picked(slot: state.players[index].slot, secret: secret))
            }
        }
        if !state.revealed, state.players.count > 1, state.players.allSatisfy({ $0.secret != nil }) {
            state.revealed = true
            operations.append(.revealed(Dictionary(uniqueKeysWithValues: state.players.map { ($0.member, $0.secret ?? 0) })))
        }
        return RoomStep(state: state, operations: operations, rejections: rejections)
    }

    func terminate(state: consuming SecretState) -> RoomStep<SecretState, SecretOperation> {
        RoomStep(state: state, operations: [.closing(total: state.players.reduce(0) { $0 + UInt32($1.secret ?? 0) })])
    }

    func view(of state: borrowing SecretState, for member: MemberID) -> SecretView {
        SecretView(you: member, players: state.players.map { player in
            var shown = player
            if player.member != member, !state.revealed { shown.secret = nil }
            return shown
        })
    }

    func operation(_ operation: SecretOperation, for member: MemberID, in state: borrowing SecretState) -> SecretOperation? {
        switch operation {
        case .picked(let slot, _):
            let own = state.players.first { $0.slot == slot }?.member == member
            return own ? operation : .picked(slot: slot, secret: nil)
        case .closing:
            return state.players.first?.member == member ? operation : nil   // for the first player only
        case .joined, .revealed:
            return operation
        }
    }
}

struct SecretPlayer: Codable, Equatable, Sendable {
    var slot: UInt8
    var member: MemberID
    var secret: UInt8?
    var x: UInt16
    var y: UInt16
}

struct SecretState: RoomState, CanonicalCodable {
    var players: [SecretPlayer]
    var revealed: Bool
    var random: DeterministicRandom

    var positions: PositionTable {
        PositionTable(players.map { PositionEntry(id: UInt32($0.slot), x: $0.x, y: $0.y) })
    }
}

struct SecretView: CanonicalCodable, Equatable {
    var you: MemberID
    var players: [SecretPlayer]
}

enum SecretInput: RoomInput, CanonicalCodable {
    case move(x: UInt16, y: UInt16)
    case pick(UInt8)

    var inputClass: InputClass {
        if case .move = self { return .volatile }
        return .reliable
    }

    func validate() throws(RoomError) {
        if case .pick(let secret) = self, !(1...9).contains(secret) { throw .outOfRange("secret \(secret)") }
        if case .move(let x, let y) = self, x > 4095 || y > 4095 { throw .outOfRange("position") }
    }
}

enum SecretOperation: CanonicalCodable, Equatable, Sendable {
    case joined(slot: UInt8, member: MemberID)
    case picked(slot: UInt8, secret: UInt8?)
    case revealed([MemberID: UInt8])
    case closing(total: UInt32)
}
