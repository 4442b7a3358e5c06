import ArenaRoom
import RoomEngine
import Testing

@Suite("Arena rooms")
struct ArenaTests {
    private func move(_ dx: Int8, _ dy: Int8, dash: Bool = false) -> [UInt8] {
        ArenaInput.move(dx: dx, dy: dy, buttons: dash ? ArenaGeometry.dashButton : 0).encodedBytes()
    }

    private func insideAnyWall(_ player: ArenaPlayer) -> Bool {
        ArenaGeometry.walls.contains { wall in
            let nearestX = min(max(player.x, wall.minX), wall.maxX)
            let nearestY = min(max(player.y, wall.minY), wall.maxY)
            let dx = Int64(player.x - nearestX)
            let dy = Int64(player.y - nearestY)
            let radius = Int64(ArenaGeometry.playerRadius) - 2   // truncation may leave a raw unit of overlap
            return dx * dx + dy * dy < radius * radius
        }
    }

    @Test("pickups come from the seed: same seed, same pickups; another seed, other pickups")
    func seededPickups() {
        let first = ArenaLogic().create(config: RoomConfig(), seed: 1)
        let again = ArenaLogic().create(config: RoomConfig(), seed: 1)
        let other = ArenaLogic().create(config: RoomConfig(), seed: 2)
        #expect(first.pickups.count == 8)
        #expect(first.pickups == again.pickups)
        #expect(first.pickups.map(\.x) != other.pickups.map(\.x))
        #expect(ArenaLogic().create(config: RoomConfig(parameters: ["pickups": "3"]), seed: 1).pickups.count == 3)
        for pickup in first.pickups {
            #expect(!pickupOverlapsWall(pickup))
        }
    }

    private func pickupOverlapsWall(_ pickup: ArenaPickup) -> Bool {
        ArenaGeometry.walls.contains { wall in
            let nearestX = min(max(pickup.x, wall.minX), wall.maxX)
            let nearestY = min(max(pickup.y, wall.minY), wall.maxY)
            let dx = Int64(pickup.x - nearestX)
            let dy = Int64(pickup.y - nearestY)
            return dx * dx + dy * dy < Int64(ArenaGeometry.pickupRadius) * Int64(ArenaGeometry.pickupRadius)
        }
    }

    @Test("in open ground a player moves by exactly the fixed speed: straight, diagonal (× 181/256), dashing (× 2)")
    func exactOpenGroundMovement() throws {
        var room = Room(id: "a", logic: ArenaLogic(), config: RoomConfig(parameters: ["pickups": "0"]), seed: 1)
        try room.join("p")
        // The spawn point is random: walk horizontally until well clear of walls and edges.
        func clear(_ player: ArenaPlayer) -> Bool {
            let margin = FixedPoint.units(80)
            let nearWall = ArenaGeometry.walls.contains { wall in
                player.x > wall.minX - margin && player.x < wall.maxX + margin
                    && player.y > wall.minY - margin && player.y < wall.maxY + margin
            }
            let inside = FixedPoint.units(200)...FixedPoint.units(3800)
            return !nearWall && inside.contains(player.x) && inside.contains(player.y)
        }
        var steps = 0
        while let player = room.state.player("p"), !clear(player), steps < 400 {
            let dx: Int8 = player.x < FixedPoint.units(2048) ? 1 : -1
            let dy: Int8 = inRange(player.y) ? 0 : (player.y < FixedPoint.units(2048) ? 1 : -1)
            _ = try room.enqueue(move(dx, dy), from: "p")
            _ = room.advance()
            steps += 1
        }
        let start = try #require(room.state.player("p"))
        #expect(clear(start))

        _ = try room.enqueue(move(1, 0), from: "p")
        _ = room.advance()
        let straight = try #require(room.state.player("p"))
        #expect(straight.x - start.x == ArenaGeometry.speed)
        #expect(straight.y == start.y)

        _ = try room.enqueue(move(-1, 1), from: "p")
        _ = room.advance()
        let diagonal = try #require(room.state.player("p"))
        #expect(straight.x - diagonal.x == 1086)
        #expect(diagonal.y - straight.y == 1086)

        _ = try room.enqueue(move(0, -1, dash: true), from: "p")
        _ = room.advance()
        let dashed = try #require(room.state.player("p"))
        #expect(diagonal.y - dashed.y == 2 * ArenaGeometry.speed)
        #expect(dashed.x == diagonal.x)

        // The latest direction persists until the next input.
        _ = room.advance()
        #expect(try #require(room.state.player("p")).y == dashed.y - 2 * ArenaGeometry.speed)
    }

    private func inRange(_ value: Int32) -> Bool {
        (FixedPoint.units(300)...FixedPoint.units(3700)).contains(value)
    }

    @Test("players never end up inside walls or outside the arena")
    func wallsHold() throws {
        var room = Room(id: "a", logic: ArenaLogic(), seed: 12)
        let members: [MemberID] = (0..<8).map { MemberID("p\($0)") }
        runScripted(&room, ticks: 1500, clientSeed: 3, members: members,
                    makeInput: { clients, room, member in clients.arenaInput(seeing: room.state, as: member).encodedBytes() }) { room, _ in
            for player in room.state.players {
                #expect(ArenaGeometry.playerRange.contains(player.x))
                #expect(ArenaGeometry.playerRange.contains(player.y))
                #expect(!insideAnyWall(player), "player \(player.slot) inside a wall at tick \(room.tick)")
            }
        }
    }

    @Test("two players on the same spot are pushed apart, lower slot to the left")
    func separation() throws {
        var state = ArenaLogic().create(config: RoomConfig(parameters: ["pickups": "0"]), seed: 1)
        state = ArenaLogic().join(state: state, member: "a").state
        state = ArenaLogic().join(state: state, member: "b").state
        // Re-encode with both players at one open spot.
        var players = state.players
        for index in players.indices {
            players[index].x = FixedPoint.units(600)
            players[index].y = FixedPoint.units(600)
        }
        let stacked = try ArenaState(decoding: replacingPlayers(in: state, with: players))
        let after = ArenaLogic().tick(state: stacked, inputs: [], tick: 1,
                                      context: TickContext(tick: 1, tickIntervalNanoseconds: 1)).state
        let a = after.players[0]
        let b = after.players[1]
        #expect(a.x < b.x)
        #expect(a.y == b.y)
        #expect(b.x - a.x == 2 * ArenaGeometry.playerRadius - 1, "separated to touching, less the 1 raw unit used as the direction of coincident centres")
    }

    @Test("touching a pickup scores, broadcasts it, and a new one spawns after the delay")
    func pickups() throws {
        let logic = ArenaLogic()
        var state = logic.create(config: RoomConfig(parameters: ["pickups": "1"]), seed: 21)
        state = logic.join(state: state, member: "p").state
        var players = state.players
        players[0].x = state.pickups[0].x
        players[0].y = state.pickups[0].y
        let placed = try ArenaState(decoding: replacingPlayers(in: state, with: players))
        let context = TickContext(tick: 1, tickIntervalNanoseconds: 1)
        var step = logic.tick(state: placed, inputs: [], tick: 1, context: context)
        let firstID = placed.pickups[0].id
        #expect(step.operations == [.pickupCollected(id: firstID, slot: 0, score: 1)])
        #expect(step.state.players[0].score == 1)
        #expect(step.state.pickups.isEmpty)

        var spawned: [ArenaOperation] = []
        var ticks = 1
        while spawned.isEmpty, ticks < 100 {
            ticks += 1
            step = logic.tick(state: step.state, inputs: [], tick: UInt64(ticks), context: context)
            spawned = step.operations.filter { if case .pickupSpawned = $0 { true } else { false } }
        }
        #expect(ticks == 1 + Int(ArenaGeometry.respawnDelayTicks), "spawned exactly the delay after the pickup was taken")
        #expect(step.state.pickups.count == 1)
        #expect(step.state.pickups[0].id == firstID + 1)
    }

    @Test("arena inputs are validated when decoded")
    func inputValidation() throws {
        var room = Room(id: "a", logic: ArenaLogic(), seed: 1)
        try room.join("p")
        #expect(throws: RoomError.outOfRange("direction (2, 0)")) { try room.enqueue([0x01, 0x02, 0x00, 0x00], from: "p") }
        #expect(throws: RoomError.outOfRange("buttons 2")) { try room.enqueue([0x01, 0x00, 0x00, 0x02], from: "p") }
        #expect(throws: RoomError.malformed("unknown arena input tag 7")) { try room.enqueue([0x07], from: "p") }
        #expect(throws: RoomError.inputTooLarge(size: 17, limit: 16)) { try room.enqueue(Array(repeating: 1, count: 17), from: "p") }
        // Emotes are reliable and bounded per member.
        for _ in 0..<ArenaGeometry.rules.memberReliableQueueLimit {
            _ = try room.enqueue(ArenaInput.emote(code: 1).encodedBytes(), from: "p")
        }
        #expect(throws: RoomError.memberInputQueueFull(limit: 8)) {
            try room.enqueue(ArenaInput.emote(code: 1).encodedBytes(), from: "p")
        }
    }

    @Test("positions stream as quantized deltas under each player's slot")
    func positionsStream() throws {
        var room = Room(id: "a", logic: ArenaLogic(), seed: 2)
        try room.join("p")
        try room.join("q")
        let first = room.advance().output
        #expect(first.snapshots.map(\.recipient) == ["p", "q"])
        #expect(first.deltas.isEmpty, "joiners get snapshots, not deltas, on their first tick")
        _ = try room.enqueue(move(1, 1), from: "p")
        let second = room.advance().output
        let delta = try PositionDelta(decoding: try #require(second.deltas.first { $0.recipient == "q" }).bytes)
        #expect(delta.baselineTick == 1)
        #expect(delta.changes.map(\.id) == [0])
        let player = try #require(room.state.player("p"))
        let applied = try delta.apply(to: first.snapshots[0].snapshot.stateTable())
        #expect(applied[0] == PositionEntry(id: 0, x: ArenaGeometry.quantize(player.x), y: ArenaGeometry.quantize(player.y)))
    }
}

extension RoomSnapshot {
    /// The position table of an arena snapshot.
    func stateTable() throws -> PositionTable {
        try ArenaState.decodeState(state).positions
    }
}

/// Re-encodes an arena state with other players (tests place players precisely this way,
/// through the public canonical encoding rather than internal setters).
func replacingPlayers(in state: ArenaState, with players: [ArenaPlayer]) -> [UInt8] {
    var writer = BinaryWriter()
    writer.writeVarint(UInt64(players.count))
    for player in players { player.encode(into: &writer) }
    writer.writeVarint(UInt64(state.pickups.count))
    for pickup in state.pickups { pickup.encode(into: &writer) }
    writer.writeVarint(UInt64(state.nextPickupID))
    writer.writeUInt8(state.pickupTarget)
    writer.writeUInt16(state.respawnCountdown)
    state.random.encode(into: &writer)
    return writer.bytes
}
