public import RoomEngine

/// Where a game stands.
public enum Phase: String, Codable, Sendable {
    /// Fewer than two players.
    case waiting
    /// Two players, not both fleets placed.
    case placing
    /// Shots are being fired, one per turn.
    case playing
    /// A fleet is sunk (or a player left mid-game); ``BattleshipState/winner`` won.
    case over
}

/// One player's seat: who sits there, its fleet and the shots at its board.
public struct Seat: Codable, Equatable, Sendable {
    /// 0 or 1.
    public var number: UInt8
    /// The player.
    public var member: MemberID
    /// Its ships; empty until placed.
    public var fleet: [Ship]
    /// The shots fired at its board, in order.
    public var incoming: [Shot]

    /// Whether its fleet is placed.
    public var isReady: Bool { !fleet.isEmpty }

    /// Whether every cell of `ship` was hit.
    public func isSunk(_ ship: Ship) -> Bool {
        ship.cells.allSatisfy { cell in incoming.contains { $0.cell == cell && $0.result != .miss } }
    }

    /// Whether its whole fleet is sunk.
    public var isDefeated: Bool { isReady && fleet.allSatisfy(isSunk) }
}

/// The whole game, as the server holds it (the players see a
/// ``BattleshipView`` of it). `Codable`, so its bytes, hash and snapshots
/// are the canonical encoding's: no codec written by hand.
public struct BattleshipState: RoomState, CanonicalCodable, CustomStringConvertible {
    /// Where the game stands.
    public var phase: Phase
    /// The seats taken, ascending by number (at most two).
    public var seats: [Seat]
    /// Whose turn it is, while playing.
    public var turn: UInt8
    /// The tick the current turn started (for the turn limit).
    public var turnStartedAt: UInt64
    /// The winner's seat, once over.
    public var winner: UInt8?
    /// The room's random source: who starts, random fleets, timed-out shots.
    public var random: DeterministicRandom

    /// An empty room.
    public init(seed: UInt64) {
        phase = .waiting
        seats = []
        turn = 0
        turnStartedAt = 0
        winner = nil
        random = DeterministicRandom(seed: seed)
    }

    /// The index of `member`'s seat.
    public func seatIndex(of member: MemberID) -> Int? {
        seats.firstIndex { $0.member == member }
    }

    /// The tick the current turn times out at.
    public var turnEndsAt: UInt64 { turnStartedAt + BattleshipRules.turnLimitTicks }

    /// What `huddle show`, `replay` and `export` print.
    public var description: String {
        let players = seats.map { "\($0.number):\($0.isReady ? "ready" : "placing") \($0.incoming.count) shots taken" }
        return "\(phase.rawValue) turn \(turn) [\(players.joined(separator: ", "))]" + (winner.map { " winner \($0)" } ?? "")
    }
}
