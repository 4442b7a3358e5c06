public import RoomEngine

/// One ship on a board: its top-left cell, its length and its direction.
public struct Ship: Codable, Hashable, Sendable {
    /// The column of its first cell.
    public var x: UInt8
    /// The row of its first cell.
    public var y: UInt8
    /// How many cells it covers.
    public var length: UInt8
    /// Whether it runs down (else across).
    public var vertical: Bool

    /// Creates a ship.
    public init(x: UInt8, y: UInt8, length: UInt8, vertical: Bool) {
        self.x = x
        self.y = y
        self.length = length
        self.vertical = vertical
    }

    /// The cells it covers.
    public var cells: [Cell] {
        (0..<length).map { vertical ? Cell(x: x, y: y &+ $0) : Cell(x: x &+ $0, y: y) }
    }

    /// Whether it lies on the board.
    public var isOnBoard: Bool {
        let size = Int(BattleshipRules.boardSize)
        let end = (vertical ? Int(y) : Int(x)) + Int(length)
        return length > 0 && Int(x) < size && Int(y) < size && end <= size
    }

    /// Whether it covers `cell`.
    public func covers(_ cell: Cell) -> Bool {
        vertical ? cell.x == x && cell.y >= y && Int(cell.y) < Int(y) + Int(length)
            : cell.y == y && cell.x >= x && Int(cell.x) < Int(x) + Int(length)
    }
}

/// One cell of a board.
public struct Cell: Codable, Hashable, Sendable {
    /// The column, 0…7.
    public var x: UInt8
    /// The row, 0…7.
    public var y: UInt8

    /// Creates a cell.
    public init(x: UInt8, y: UInt8) {
        self.x = x
        self.y = y
    }
}

/// What a shot did.
public enum ShotResult: String, Codable, Sendable {
    /// Open water.
    case miss
    /// A ship, still afloat.
    case hit
    /// The last cell of a ship.
    case sunk
}

/// A shot at a board and what it did.
public struct Shot: Codable, Equatable, Sendable {
    /// The cell fired at.
    public var cell: Cell
    /// What it did.
    public var result: ShotResult

    /// Creates a shot.
    public init(cell: Cell, result: ShotResult) {
        self.cell = cell
        self.result = result
    }
}

/// Checking and dealing fleets.
public enum Fleet {
    /// Throws unless `ships` is a whole fleet (the lengths of
    /// ``BattleshipRules/fleetLengths``), on the board, without overlaps.
    public static func check(_ ships: [Ship]) throws(RoomError) {
        guard ships.map(\.length).sorted(by: >) == BattleshipRules.fleetLengths else {
            throw .outOfRange("a fleet is ships of lengths \(BattleshipRules.fleetLengths)")
        }
        guard ships.allSatisfy(\.isOnBoard) else { throw .outOfRange("a ship leaves the board") }
        var covered: Set<Cell> = []
        for cell in ships.flatMap(\.cells) {
            guard covered.insert(cell).inserted else { throw .outOfRange("ships overlap at \(cell.x),\(cell.y)") }
        }
    }

    /// A random fleet drawn from the room's random source: each ship in
    /// turn at a random free place (the same draws give the same fleet).
    public static func random(using random: inout DeterministicRandom) -> [Ship] {
        let size = UInt64(BattleshipRules.boardSize)
        var ships: [Ship] = []
        for length in BattleshipRules.fleetLengths {
            while true {
                let vertical = random.next(below: 2) == 1
                let along = UInt8(random.next(below: size - UInt64(length) + 1))
                let across = UInt8(random.next(below: size))
                let ship = Ship(x: vertical ? across : along, y: vertical ? along : across, length: length, vertical: vertical)
                if !ship.cells.contains(where: { cell in ships.contains { $0.covers(cell) } }) {
                    ships.append(ship)
                    break
                }
            }
        }
        return ships
    }
}
