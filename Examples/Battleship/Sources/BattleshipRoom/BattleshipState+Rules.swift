import RoomEngine

/// The moves of the game on the state, each returning what to tell the players.
extension BattleshipState {
    /// Applies one player's input, or throws why the current state refuses it.
    mutating func apply(_ input: BattleshipInput, from index: Int, at tick: UInt64) throws(RoomError) -> [BattleshipOperation] {
        switch input {
        case .place(let ships):
            return try place(ships, at: index)
        case .randomFleet:
            return try place(Fleet.random(using: &random), at: index)
        case .fire(let x, let y):
            guard phase == .playing else { throw .notAllowed("no game is under way") }
            guard seats[index].number == turn else { throw .notAllowed("it is not your turn") }
            let cell = Cell(x: x, y: y)
            guard !seats[1 - index].incoming.contains(where: { $0.cell == cell }) else {
                throw .duplicateElement("a shot at \(x),\(y)")
            }
            return fire(at: cell, from: index, at: tick, timedOut: false)
        case .rematch:
            guard phase == .over else { throw .notAllowed("the game is not over") }
            guard seats.count == 2 else { throw .notAllowed("waiting for an opponent") }
            reset()
            phase = .placing
            return [.reset, .phase(.placing)]
        }
    }

    private mutating func place(_ ships: [Ship], at index: Int) throws(RoomError) -> [BattleshipOperation] {
        guard phase == .waiting || phase == .placing else { throw .notAllowed("fleets are placed before the game") }
        guard !seats[index].isReady else { throw .duplicateElement("your fleet") }
        try Fleet.check(ships)
        seats[index].fleet = ships
        return [.placed(seat: seats[index].number, fleet: ships)]
    }

    /// Both fleets are placed: a random player starts.
    mutating func start(at tick: UInt64) -> [BattleshipOperation] {
        phase = .playing
        turn = seats[Int(random.next(below: 2))].number
        turnStartedAt = tick
        return [.phase(.playing), .turn(seat: turn, endsAt: turnEndsAt)]
    }

    /// The player whose turn ran out fires at a random cell not fired at yet.
    mutating func fireForPlayerOutOfTime(at tick: UInt64) -> [BattleshipOperation] {
        guard let index = seats.firstIndex(where: { $0.number == turn }) else { return [] }
        let size = BattleshipRules.boardSize
        let open = (0..<size).flatMap { y in (0..<size).map { x in Cell(x: x, y: y) } }
            .filter { cell in !seats[1 - index].incoming.contains { $0.cell == cell } }
        guard !open.isEmpty else { return [] }
        let cell = open[Int(random.next(below: UInt64(open.count)))]
        return fire(at: cell, from: index, at: tick, timedOut: true)
    }

    /// One shot from the seat at `index`; the turn passes, or the game ends.
    private mutating func fire(at cell: Cell, from index: Int, at tick: UInt64, timedOut: Bool) -> [BattleshipOperation] {
        let target = 1 - index
        let ship = seats[target].fleet.first { $0.covers(cell) }
        seats[target].incoming.append(Shot(cell: cell, result: ship == nil ? .miss : .hit))
        var sunk: Ship?
        if let ship, seats[target].isSunk(ship) {
            seats[target].incoming[seats[target].incoming.count - 1].result = .sunk
            sunk = ship
        }
        let result = seats[target].incoming[seats[target].incoming.count - 1].result
        var operations: [BattleshipOperation] = [
            .fired(by: seats[index].number, cell: cell, result: result, sunk: sunk, timedOut: timedOut),
        ]
        if seats[target].isDefeated {
            operations += win(seats[index].number)
        } else {
            turn = seats[target].number
            turnStartedAt = tick
            operations.append(.turn(seat: turn, endsAt: turnEndsAt))
        }
        return operations
    }

    /// `seat` won: every fleet is shown.
    mutating func win(_ seat: UInt8) -> [BattleshipOperation] {
        phase = .over
        winner = seat
        let fleets = Dictionary(uniqueKeysWithValues: seats.map { ($0.number, $0.fleet) })
        return [.won(seat: seat, fleets: fleets), .phase(.over)]
    }

    /// A new game for the same players: fleets, shots and winner cleared.
    mutating func reset() {
        for index in seats.indices {
            seats[index].fleet = []
            seats[index].incoming = []
        }
        winner = nil
        turn = 0
        turnStartedAt = 0
    }
}
