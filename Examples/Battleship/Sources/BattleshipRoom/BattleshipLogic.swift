public import RoomEngine

/// The rules of Battleship as a ``RoomLogic``: two seats, each player
/// places a fleet (or has one dealt), then they fire in turns until one
/// fleet is sunk. A player sees its own fleet and only the sunk ships of
/// the other (``hasMemberViews``), until the game is over.
///
/// Deterministic: the only randomness (who starts, dealt fleets, the shot
/// fired for a player out of time) comes from the ``DeterministicRandom``
/// in the state, and time is counted in ticks.
///
/// ```swift
/// var room = Room(id: "battleship-1", logic: BattleshipLogic(), seed: 7)
/// try room.join("ann")
/// try room.join("bob")
/// _ = try room.enqueue(BattleshipInput.randomFleet.encodedBytes(), from: "ann")
/// ```
public struct BattleshipLogic: RoomLogic {
    /// The logic.
    public init() {}

    /// ``BattleshipRules/kind``.
    public var kind: RoomKind { BattleshipRules.kind }
    /// Version 1 of these rules.
    public var logicVersion: UInt32 { 1 }
    /// Two players, 10 ticks a second, inputs of at most 256 bytes.
    public var rules: RoomRules {
        RoomRules(capacity: 2, ticksPerSecond: BattleshipRules.ticksPerSecond, maxInputBytes: 256,
                  roomReliableQueueLimit: 32, memberReliableQueueLimit: 8)
    }
    /// Fleets are hidden: each player gets its own view.
    public var hasMemberViews: Bool { true }

    /// An empty room.
    public func create(config: RoomConfig, seed: UInt64) -> BattleshipState { BattleshipState(seed: seed) }

    /// Two seats (the room's capacity says so too).
    public func joinAttempt(state: borrowing BattleshipState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        state.seats.count < 2 ? .allow : .refuse(reason: "both seats are taken")
    }

    /// Seats the player; a second player starts the placing (a new game if
    /// the last one is over).
    public func join(state: consuming BattleshipState, member: MemberID) -> RoomStep<BattleshipState, BattleshipOperation> {
        let number: UInt8 = state.seats.contains { $0.number == 0 } ? 1 : 0
        state.seats.append(Seat(number: number, member: member, fleet: [], incoming: []))
        state.seats.sort { $0.number < $1.number }
        var operations: [BattleshipOperation] = [.seated(seat: number, member: member)]
        if state.seats.count == 2 {
            if state.phase == .over {
                state.reset()
                operations.append(.reset)
            }
            state.phase = .placing
            operations.append(.phase(.placing))
        }
        return RoomStep(state: state, operations: operations)
    }

    /// Frees the seat; a game under way is won by the one who stayed.
    public func leave(state: consuming BattleshipState, member: MemberID) -> RoomStep<BattleshipState, BattleshipOperation> {
        guard let index = state.seatIndex(of: member) else { return RoomStep(state: state) }
        let seat = state.seats.remove(at: index)
        var operations: [BattleshipOperation] = [.left(seat: seat.number)]
        switch state.phase {
        case .playing:
            if let stayed = state.seats.first {
                operations += state.win(stayed.number)
            }
        case .placing:
            state.phase = .waiting
            operations.append(.phase(.waiting))
        case .waiting, .over:
            break
        }
        return RoomStep(state: state, operations: operations)
    }

    /// Applies the inputs in order, starts the game once both fleets are
    /// placed, and fires for a player whose turn ran out.
    public func tick(
        state: consuming BattleshipState, inputs: [RoomInputEnvelope<BattleshipInput>], tick: UInt64, context: TickContext
    ) -> RoomStep<BattleshipState, BattleshipOperation> {
        var operations: [BattleshipOperation] = []
        var rejections: [InputRejection] = []
        for envelope in inputs {
            guard let seat = state.seatIndex(of: envelope.member) else { continue }
            do throws(RoomError) {
                operations += try state.apply(envelope.input, from: seat, at: tick)
            } catch {
                rejections.append(InputRejection(member: envelope.member, sequence: envelope.sequence, error: error))
            }
        }
        if state.phase == .placing, state.seats.count == 2, state.seats.allSatisfy(\.isReady) {
            operations += state.start(at: tick)
        }
        if state.phase == .playing, tick >= state.turnEndsAt {
            operations += state.fireForPlayerOutOfTime(at: tick)
        }
        return RoomStep(state: state, operations: operations, rejections: rejections)
    }

    /// Nothing to tell when the room stops.
    public func terminate(state: consuming BattleshipState) -> RoomStep<BattleshipState, BattleshipOperation> {
        RoomStep(state: state)
    }

    /// `member`'s view: its fleet, the other's sunk ships, every shot.
    public func view(of state: borrowing BattleshipState, for member: MemberID) -> BattleshipView {
        BattleshipView(of: copy state, for: member)
    }

    /// A fleet's places go to its owner only; everything else to everyone.
    public func operation(
        _ operation: BattleshipOperation, for member: MemberID, in state: borrowing BattleshipState
    ) -> BattleshipOperation? {
        guard case .placed(let seat, .some) = operation else { return operation }
        let owner = state.seats.first { $0.number == seat }?.member
        return owner == member ? operation : .placed(seat: seat, fleet: nil)
    }
}
