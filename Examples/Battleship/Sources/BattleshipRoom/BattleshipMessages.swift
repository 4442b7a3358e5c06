public import RoomEngine

/// What a player sends: all reliable (every one counts).
public enum BattleshipInput: RoomInput, CanonicalCodable, CustomStringConvertible {
    /// Places a fleet of its own choosing (before the game starts).
    case place([Ship])
    /// Asks the room to deal a random fleet.
    case randomFleet
    /// Fires at a cell of the other board, on its turn.
    case fire(x: UInt8, y: UInt8)
    /// After a game: both fleets are cleared and a new game begins.
    case rematch

    /// Every input counts.
    public var inputClass: InputClass { .reliable }

    /// Refuses, before the input is queued, what no state could accept.
    public func validate() throws(RoomError) {
        switch self {
        case .place(let ships): try Fleet.check(ships)
        case .fire(let x, let y):
            guard x < BattleshipRules.boardSize, y < BattleshipRules.boardSize else { throw .outOfRange("cell \(x),\(y)") }
        case .randomFleet, .rematch: break
        }
    }

    /// `fire(3,4)`, as `huddle replay` prints it.
    public var description: String {
        switch self {
        case .place(let ships): "place(\(ships.count) ships)"
        case .randomFleet: "randomFleet"
        case .fire(let x, let y): "fire(\(x),\(y))"
        case .rematch: "rematch"
        }
    }
}

/// What players are told, in order. ``BattleshipLogic`` hides a fleet's
/// places from everyone but its owner (``placed(seat:fleet:)``).
public enum BattleshipOperation: CanonicalCodable, Equatable, Sendable {
    /// `member` sat down at `seat`.
    case seated(seat: UInt8, member: MemberID)
    /// The player of `seat` left.
    case left(seat: UInt8)
    /// The game moved to `phase`.
    case phase(Phase)
    /// `seat` placed its fleet; the ships only for its owner.
    case placed(seat: UInt8, fleet: [Ship]?)
    /// It is `seat`'s turn until tick `endsAt`.
    case turn(seat: UInt8, endsAt: UInt64)
    /// `by` fired at the other board; `sunk` is the ship it sank. `timedOut`
    /// when the room fired for a player out of time.
    case fired(by: UInt8, cell: Cell, result: ShotResult, sunk: Ship?, timedOut: Bool)
    /// `seat` won; every fleet is shown (by seat).
    case won(seat: UInt8, fleets: [UInt8: [Ship]])
    /// A new game: fleets and shots cleared.
    case reset
}
