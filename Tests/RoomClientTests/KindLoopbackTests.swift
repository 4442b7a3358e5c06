import ArenaRoom
import CounterRoom
import RoomClient
import RoomEngine
import Testing

/// Kinds other than the whiteboard, through the same generic client: the
/// custom counter (Tests/CounterRoom) served by `counter-huddle serve`, the
/// docs/room-kinds.md executable, and the built-in arena.
@Suite("RoomClient against huddle serve: other kinds", .serialized, .timeLimit(.minutes(2)))
struct KindLoopbackTests {
    @Test("a custom kind end to end: CounterLogic's inputs, operations, positions and listing")
    func counter() async throws {
        let server = try await HuddleServer.start("counter-huddle")
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        defer { alice.close(); bob.close() }

        let counter = try await alice.joinOrCreate(CounterLogic())
        #expect(counter.membership.kind == .counter && counter.membership.tickRate == 10)
        var aliceUpdates = UpdateReader(counter)
        let other = try await bob.joinOrCreate(CounterLogic())
        #expect(other.id == counter.id)
        #expect(other.snapshotState.tallies.map(\.member) == [counter.member, other.member])
        var bobUpdates = UpdateReader(other)
        #expect(try await aliceUpdates.operations(1).map(\.operation) == [.joined(slot: 1)])

        let receipt = try await counter.send(.add(3))
        #expect(receipt.tick > 0)
        try counter.post(.add(4))
        let counted = try await bobUpdates.operations(2).map(\.operation)
        #expect(counted == [.counted(slot: 0, total: 3), .counted(slot: 0, total: 7)])
        // Each tally streams as a position: x = the tally.
        try await positions(of: other, "alice's tally as a position") { $0[0]?.x == 7 }

        let listing = try await bob.rooms(of: .counter)
        #expect(listing.map(\.members) == [2] && listing.first?.capacity == 8)
        #expect(try await bob.rooms().map(\.kind) == [.counter])
    }

    @Test("the arena: a posted direction moves this player's position in the mirror; an emote comes back as an operation")
    func arena() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let player = try makeClient(server)
        defer { player.close() }
        let arena = try await player.joinOrCreate(ArenaLogic())
        #expect(arena.membership.tickRate == 30)
        let slot = UInt32(try #require(arena.snapshotState.player(arena.member)?.slot))
        let start = try #require(arena.positions[slot])
        // Diagonally towards the centre (32768 in 1/16 units): never into
        // the field's edge; a pillar in the way is slid along.
        try arena.post(.move(dx: start.x < 32768 ? 1 : -1, dy: start.y < 32768 ? 1 : -1, buttons: 0))
        try await positions(of: arena, "the player moving") { table in
            guard let now = table[slot] else { return false }
            return abs(Int(now.x) - Int(start.x)) > 100 || abs(Int(now.y) - Int(start.y)) > 100
        }
        try arena.post(.move(dx: 0, dy: 0, buttons: 0))
        try await arena.send(.emote(code: 3))
        var updates = UpdateReader(arena)
        let emoted = try await updates.first("the emote") { update -> ArenaOperation? in
            if case .operation(let op) = update, case .emoted = op.operation { return op.operation }
            return nil
        }
        #expect(emoted == .emoted(slot: UInt16(slot), code: 3))
    }
}
