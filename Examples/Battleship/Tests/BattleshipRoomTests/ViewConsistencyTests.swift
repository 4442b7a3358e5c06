import BattleshipRoom
import RoomEngine
import Testing

@Suite("Views and operations agree")
struct ViewConsistencyTests {
    @Test("a player's snapshot plus the operations it receives is always its view of the state, through whole games")
    func mirrorsStayTrue() throws {
        var room = Room(id: "battleship-1", logic: BattleshipLogic(), seed: 5)
        var bots = BattleshipBots(members: ["ann", "bob"], seed: 9)
        var mirrors: [MemberID: BattleshipView] = [:]
        var games = 0
        for member in bots.members { try room.join(member) }
        for tick in 1...3_000 as ClosedRange<UInt64> {
            for (member, bytes) in bots.inputs(forTick: tick) { _ = try? room.enqueue(bytes, from: member) }
            let output = room.advance().output
            for snapshot in output.snapshots {
                mirrors[snapshot.recipient] = try CanonicalDecoder().decode(BattleshipView.self, from: snapshot.snapshot.state)
            }
            for own in output.memberOperations {
                for operation in own.operations {
                    let decoded = try BattleshipOperation(decoding: operation.payload)
                    if case .won = decoded { games += 1 }
                    mirrors[own.recipient]?.apply(decoded)
                }
            }
            for member in bots.members {
                #expect(mirrors[member] == BattleshipView(of: room.state, for: member), "tick \(tick), \(member)")
            }
        }
        #expect(games >= 2, "the bots finish games and start new ones")
    }

    @Test("the same seed and inputs give the same states; a replay checks every hash")
    func deterministic() throws {
        func play() throws -> (Room<BattleshipLogic>, [RecordedEvent]) {
            var room = Room(id: "battleship-1", logic: BattleshipLogic(), seed: 77)
            var bots = BattleshipBots(members: ["ann", "bob"], seed: 3)
            var events: [RecordedEvent] = []
            for member in bots.members {
                try room.join(member)
                events.append(.joined(member, metadata: [:]))
            }
            for tick in 1...1_000 as ClosedRange<UInt64> {
                for (member, bytes) in bots.inputs(forTick: tick) { _ = try? room.enqueue(bytes, from: member) }
                let advance = room.advance()
                events.append(.tick(RecordedTick(roomID: room.id, tick: tick, inputs: advance.inputs, stateHash: room.stateHash)))
            }
            return (room, events)
        }
        let (first, events) = try play()
        let (second, _) = try play()
        #expect(first.stateHash == second.stateHash)
        let session = RecordedSession(roomID: first.id, kind: BattleshipRules.kind, logicVersion: 1, seed: 77, config: RoomConfig())
        #expect(try RoomReplay.replay(events, session: session, logic: BattleshipLogic()).stateHash == first.stateHash)
    }
}
