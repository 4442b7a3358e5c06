public import RoomEngine

/// The rules of a small real-time arena: players steer with coalesced
/// direction inputs, the server moves them with integer physics
/// (``ArenaPhysics``), and pickups spawned from the room's PRNG raise the
/// score of whoever touches them first (lowest slot wins a tie).
///
/// Configuration: `pickups` (0…32, default 8) is how many pickups the field
/// holds; it is stored in the state so snapshots continue identically.
///
/// ```swift
/// var room = Room(id: "arena-1", logic: ArenaLogic(), config: RoomConfig(parameters: ["pickups": "4"]), seed: 9)
/// try room.join("p1")
/// _ = try room.enqueue(ArenaInput.move(dx: 1, dy: 0, buttons: 0).encodedBytes(), from: "p1")
/// let deltas = room.advance().output.deltas
/// ```
public struct ArenaLogic: RoomLogic {
    /// Creates the logic.
    public init() {}

    /// ``RoomKind/arena``.
    public var kind: RoomKind { .arena }
    /// Version 1 of the arena rules.
    public var logicVersion: UInt32 { 1 }
    /// ``ArenaGeometry/rules``.
    public var rules: RoomRules { ArenaGeometry.rules }

    /// A field with its pickups already spawned from the seeded PRNG.
    public func create(config: RoomConfig, seed: UInt64) -> ArenaState {
        let target = config.integer("pickups", default: 8, in: 0...32)
        var state = ArenaState(seed: seed, pickupTarget: UInt8(target))
        for _ in 0..<target { _ = spawnPickup(in: &state) }
        return state
    }

    /// Refuses only a full arena (capacity is also checked by the room).
    public func joinAttempt(state: borrowing ArenaState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        state.players.count < ArenaGeometry.capacity ? .allow : .refuse(reason: "arena is full")
    }

    /// Places the player at a PRNG-drawn point clear of walls, in the
    /// lowest free slot.
    public func join(state: consuming ArenaState, member: MemberID) -> RoomStep<ArenaState, ArenaOperation> {
        var slot: UInt16 = 0
        for existing in state.players where existing.slot == slot { slot += 1 }
        var x = state.random.next(in: ArenaGeometry.playerRange)
        var y = state.random.next(in: ArenaGeometry.playerRange)
        ArenaPhysics.resolveWalls(x: &x, y: &y, radius: ArenaGeometry.playerRadius)
        let index = state.players.firstIndex { $0.slot > slot } ?? state.players.endIndex
        state.players.insert(ArenaPlayer(member: member, slot: slot, x: x, y: y), at: index)
        return RoomStep(state: state, operations: [.playerJoined(slot: slot, member: member)])
    }

    /// Removes the player.
    public func leave(state: consuming ArenaState, member: MemberID) -> RoomStep<ArenaState, ArenaOperation> {
        guard let index = state.players.firstIndex(where: { $0.member == member }) else { return RoomStep(state: state) }
        let slot = state.players.remove(at: index).slot
        return RoomStep(state: state, operations: [.playerLeft(slot: slot)])
    }

    /// Applies inputs in order, steps physics, collects and respawns pickups.
    public func tick(
        state: consuming ArenaState,
        inputs: [RoomInputEnvelope<ArenaInput>],
        tick: UInt64,
        context: TickContext
    ) -> RoomStep<ArenaState, ArenaOperation> {
        var operations: [ArenaOperation] = []
        var rejections: [InputRejection] = []
        for envelope in inputs {
            guard let index = state.players.firstIndex(where: { $0.member == envelope.member }) else {
                rejections.append(InputRejection(member: envelope.member, sequence: envelope.sequence,
                                                 error: .notAMember(envelope.member)))
                continue
            }
            switch envelope.input {
            case .move(let dx, let dy, let buttons):
                state.players[index].dx = dx
                state.players[index].dy = dy
                state.players[index].buttons = buttons
            case .emote(let code):
                operations.append(.emoted(slot: state.players[index].slot, code: code))
            }
        }
        ArenaPhysics.step(&state.players)
        collectPickups(in: &state, operations: &operations)
        respawnPickups(in: &state, operations: &operations)
        return RoomStep(state: state, operations: operations, rejections: rejections)
    }

    /// Nothing to clean up: the final state is the final scoreboard.
    public func terminate(state: consuming ArenaState) -> RoomStep<ArenaState, ArenaOperation> {
        RoomStep(state: state)
    }

    /// Players ascending by slot take every pickup they touch, pickups
    /// ascending by id.
    private func collectPickups(in state: inout ArenaState, operations: inout [ArenaOperation]) {
        let reach = Int64(ArenaGeometry.playerRadius + ArenaGeometry.pickupRadius)
        for index in state.players.indices {
            let player = state.players[index]
            var kept: [ArenaPickup] = []
            for pickup in state.pickups {
                if ArenaPhysics.distanceSquared(player.x, player.y, pickup.x, pickup.y) <= reach * reach {
                    state.players[index].score += 1
                    operations.append(.pickupCollected(id: pickup.id, slot: player.slot,
                                                       score: state.players[index].score))
                } else {
                    kept.append(pickup)
                }
            }
            state.pickups = kept
        }
    }

    /// While the field is short of pickups, one spawns every
    /// ``ArenaGeometry/respawnDelayTicks`` ticks, counted from the tick the
    /// field first fell short. A spawn that finds no free spot retries on
    /// the next tick.
    private func respawnPickups(in state: inout ArenaState, operations: inout [ArenaOperation]) {
        guard state.pickups.count < Int(state.pickupTarget) else { return }
        if state.respawnCountdown == 0 {
            state.respawnCountdown = ArenaGeometry.respawnDelayTicks
            return
        }
        state.respawnCountdown -= 1
        guard state.respawnCountdown == 0 else { return }
        guard let pickup = spawnPickup(in: &state) else {
            state.respawnCountdown = 1
            return
        }
        operations.append(.pickupSpawned(id: pickup.id, x: ArenaGeometry.quantize(pickup.x),
                                         y: ArenaGeometry.quantize(pickup.y)))
        if state.pickups.count < Int(state.pickupTarget) {
            state.respawnCountdown = ArenaGeometry.respawnDelayTicks
        }
    }

    /// Draws up to ``ArenaGeometry/spawnAttempts`` points from the PRNG and
    /// places a pickup at the first one clear of walls; `nil` if none was.
    private func spawnPickup(in state: inout ArenaState) -> ArenaPickup? {
        let radius = ArenaGeometry.pickupRadius
        let range = radius...(FixedPoint.units(ArenaGeometry.size) - radius)
        for _ in 0..<ArenaGeometry.spawnAttempts {
            let x = state.random.next(in: range)
            let y = state.random.next(in: range)
            guard !ArenaPhysics.overlapsWall(x: x, y: y, radius: radius) else { continue }
            let pickup = ArenaPickup(id: state.nextPickupID, x: x, y: y)
            state.nextPickupID += 1
            state.pickups.append(pickup)
            return pickup
        }
        return nil
    }
}
