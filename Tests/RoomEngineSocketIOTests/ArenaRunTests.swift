import RoomEngine
import ArenaRoom
import Testing

/// ``ArenaRun`` is what keeps `arenaMoves` deterministic, so its promise is
/// checked on its own: from layouts that defeat a fixed choice of direction,
/// and from the spawns of many seeds, it finds a run, and the run holds
/// whenever the move reaches the room.
@Suite("Choosing a free arena run from a snapshot")
struct ArenaRunTests {
    @Test("a player spawned inside a wall rests on its face: the run leads away from the wall")
    func restingOnAWall() throws {
        // A spawn inside the pillar 2896…3196 × 900…1200 is pushed out
        // through the nearest edge, here to y = 900 − 24: a direction picked
        // by "move towards the far side" ran straight into the pillar.
        let snapshot = try Self.snapshot(players: [("a", 3039, 876), ("b", 600, 3500)])
        let run = try #require(try ArenaRun.longest(from: snapshot, movers: ["a"], distance: 400))
        #expect(run.move != .move(dx: 0, dy: 1, buttons: 0))
        try Self.expectHolds(run, from: snapshot)
    }

    @Test("a player in a corner with the other in front of it: the other, free to run, runs")
    func wedgedInACorner() throws {
        let snapshot = try Self.snapshot(players: [("a", 24, 24), ("b", 60, 60)])
        let run = try #require(try ArenaRun.longest(from: snapshot, movers: ["a", "b"], distance: 400))
        #expect(run.mover == "b")
        try Self.expectHolds(run, from: snapshot)
    }

    @Test("players spawned on one spot are pushed apart before the run is measured")
    func stackedPlayers() throws {
        let snapshot = try Self.snapshot(players: [("a", 600, 600), ("b", 600, 600)])
        let run = try #require(try ArenaRun.longest(from: snapshot, movers: ["a", "b"], distance: 400))
        try Self.expectHolds(run, from: snapshot)
    }

    @Test("from the spawns of 200 seeded rooms there is always a run")
    func seededSpawns() throws {
        for seed in 1...200 as ClosedRange<UInt64> {
            var room = Room(id: "arena-1", logic: ArenaLogic(), seed: seed &* 0x9E37_79B9_7F4A_7C15)
            try room.join("a")
            _ = room.advance()
            try room.join("b")
            _ = room.advance()
            let run = try ArenaRun.longest(from: room.snapshot(), movers: ["a", "b"], distance: 400)
            #expect(run != nil, "seed \(seed): \(room.state.players)")
        }
    }

    /// The run holds when the move reaches the room after 0…60 idle ticks:
    /// the mover crosses the target within the horizon, and never before.
    private static func expectHolds(_ run: ArenaRun, from snapshot: RoomSnapshot) throws {
        for delay in [0, 1, 2, 5, 13, 60] {
            var room = try Room(restoring: snapshot, logic: ArenaLogic())
            for _ in 0..<delay {
                _ = room.advance()
                #expect(!run.reached(room.state), "reached without the move")
            }
            _ = try room.enqueue(run.move.encodedBytes(), from: run.mover)
            for _ in 0..<ArenaRun.horizon { _ = room.advance() }
            #expect(run.reached(room.state), "not reached after a delay of \(delay) ticks")
        }
    }

    /// An arena snapshot with the players placed at whole-unit positions
    /// (written through the public canonical encoding of the state).
    private static func snapshot(players: [(MemberID, Int32, Int32)]) throws -> RoomSnapshot {
        var room = Room(id: "arena-1", logic: ArenaLogic(), config: RoomConfig(parameters: ["pickups": "0"]), seed: 1)
        for (member, _, _) in players { try room.join(member) }
        let state = room.state
        var writer = BinaryWriter()
        writer.writeVarint(UInt64(players.count))
        for (index, (member, x, y)) in players.enumerated() {
            ArenaPlayer(member: member, slot: UInt16(index), x: FixedPoint.units(x), y: FixedPoint.units(y)).encode(into: &writer)
        }
        writer.writeVarint(0)
        writer.writeVarint(UInt64(state.nextPickupID))
        writer.writeUInt8(state.pickupTarget)
        writer.writeUInt16(state.respawnCountdown)
        state.random.encode(into: &writer)
        let placed = try ArenaState(decoding: writer.bytes)
        return RoomSnapshot(kind: .arena, logicVersion: 1, roomID: "arena-1", tick: 1, operationSequence: 0,
                            members: players.map(\.0), state: placed.encodeState())
    }
}

extension ArenaRun {
    /// Whether the mover is at or past the target in `state` (quantized as on the wire).
    func reached(_ state: ArenaState) -> Bool {
        guard let player = state.player(mover) else { return false }
        return progress(Int(ArenaGeometry.quantize(horizontal ? player.x : player.y))) >= 0
    }
}
