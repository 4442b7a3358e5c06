public import RoomEngine

/// One board as a player sees it.
public struct BoardView: Codable, Equatable, Sendable {
    /// The seat.
    public var seat: UInt8
    /// Its player.
    public var member: MemberID
    /// Whether its fleet is placed.
    public var ready: Bool
    /// Its ships that the viewer may see: all of its own, the sunk ones of
    /// the other, every one once the game is over.
    public var ships: [Ship]
    /// The shots at it (everyone sees every shot).
    public var shots: [Shot]
}

/// The game as one player sees it: the state bytes of its snapshot. The
/// other fleet's places are not in it, nor is the room's random source.
public struct BattleshipView: CanonicalCodable, Equatable {
    /// Where the game stands.
    public var phase: Phase
    /// The viewer's seat.
    public var you: UInt8?
    /// Whose turn it is (0 unless playing).
    public var turn: UInt8
    /// The tick the turn times out at (0 unless playing).
    public var turnEndsAt: UInt64
    /// The winner, once over.
    public var winner: UInt8?
    /// The boards, by seat.
    public var boards: [BoardView]

    /// `member`'s view of `state`.
    public init(of state: BattleshipState, for member: MemberID) {
        phase = state.phase
        you = state.seats.first { $0.member == member }?.number
        let playing = state.phase == .playing
        turn = playing ? state.turn : 0
        turnEndsAt = playing ? state.turnEndsAt : 0
        winner = state.winner
        boards = state.seats.map { seat in
            // The other's sunk ships, in the order they sank (as `fired` reveals them).
            let visible = seat.member == member || state.phase == .over ? seat.fleet
                : seat.incoming.filter { $0.result == .sunk }.compactMap { shot in seat.fleet.first { $0.covers(shot.cell) } }
            return BoardView(seat: seat.number, member: seat.member, ready: seat.isReady, ships: visible, shots: seat.incoming)
        }
    }

    /// Applies one operation as the viewer received it: what a client does
    /// with each `ops` entry (the page does the same in JavaScript).
    public mutating func apply(_ operation: BattleshipOperation) {
        switch operation {
        case .seated(let seat, let member):
            boards.append(BoardView(seat: seat, member: member, ready: false, ships: [], shots: []))
            boards.sort { $0.seat < $1.seat }
        case .left(let seat):
            boards.removeAll { $0.seat == seat }
        case .phase(let phase):
            self.phase = phase
            if phase != .playing { (turn, turnEndsAt) = (0, 0) }
        case .placed(let seat, let fleet):
            guard let index = boards.firstIndex(where: { $0.seat == seat }) else { return }
            boards[index].ready = true
            if let fleet { boards[index].ships = fleet }
        case .turn(let seat, let endsAt):
            (turn, turnEndsAt) = (seat, endsAt)
        case .fired(let by, let cell, let result, let sunk, _):
            guard let index = boards.firstIndex(where: { $0.seat != by }) else { return }
            boards[index].shots.append(Shot(cell: cell, result: result))
            if let sunk, !boards[index].ships.contains(sunk) { boards[index].ships.append(sunk) }
        case .won(let seat, let fleets):
            winner = seat
            for index in boards.indices { boards[index].ships = fleets[boards[index].seat] ?? [] }
        case .reset:
            winner = nil
            for index in boards.indices { (boards[index].ready, boards[index].ships, boards[index].shots) = (false, [], []) }
        }
    }
}
