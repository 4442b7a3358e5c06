import BattleshipRoom
import RoomEngine
import Testing

/// A room driven directly (no network, no clock): inputs in, outputs out.
struct Table {
    var room = Room(id: "battleship-1", logic: BattleshipLogic(), seed: 42)
    var outputs: [RoomTickOutput] = []

    /// Two fleets in known places: A across the top rows, B down the left columns.
    static let fleetA = [Ship(x: 0, y: 0, length: 4, vertical: false), Ship(x: 0, y: 1, length: 3, vertical: false),
                         Ship(x: 0, y: 2, length: 3, vertical: false), Ship(x: 0, y: 3, length: 2, vertical: false)]
    static let fleetB = [Ship(x: 7, y: 0, length: 4, vertical: true), Ship(x: 6, y: 0, length: 3, vertical: true),
                         Ship(x: 5, y: 0, length: 3, vertical: true), Ship(x: 4, y: 0, length: 2, vertical: true)]

    mutating func send(_ input: BattleshipInput, from member: MemberID) throws {
        _ = try room.enqueue(input.encodedBytes(), from: member)
    }

    @discardableResult
    mutating func tick() -> RoomTickOutput {
        let output = room.advance().output
        outputs.append(output)
        return output
    }

    /// The operations `member` received in `output`, decoded.
    func operations(for member: MemberID, in output: RoomTickOutput) -> [BattleshipOperation] {
        output.memberOperations.first { $0.recipient == member }?.operations.compactMap {
            try? BattleshipOperation(decoding: $0.payload)
        } ?? []
    }

    /// `member`'s view as its snapshot would carry it now.
    func view(of member: MemberID) throws -> BattleshipView {
        try CanonicalDecoder().decode(BattleshipView.self, from: room.snapshot(for: member).state)
    }

    /// Ann and Bob seated, fleets A and B placed, the game started.
    static func started() throws -> Table {
        var table = Table()
        try table.room.join("ann")
        try table.room.join("bob")
        table.tick()
        try table.send(.place(fleetA), from: "ann")
        try table.send(.place(fleetB), from: "bob")
        table.tick()
        return table
    }

    var turn: MemberID { room.state.turn == 0 ? "ann" : "bob" }
    var waiting: MemberID { turn == "ann" ? "bob" : "ann" }
}

@Suite("Battleship, played without a network")
struct GameTests {
    @Test("both fleets placed starts the game; the first shots hit, miss and pass the turn")
    func playing() throws {
        var table = try Table.started()
        #expect(table.room.state.phase == .playing)
        let shooter = table.turn
        try table.send(.fire(x: 0, y: 0), from: shooter)   // ann's fleet A is at the top; bob's B on the right
        let output = table.tick()
        let told = table.operations(for: table.waiting, in: output)
        #expect(told.count == 2)
        guard case .fired(_, let cell, let result, nil, false) = told.first else {
            Issue.record("expected a shot, got \(told)")
            return
        }
        #expect(cell == Cell(x: 0, y: 0))
        #expect(result == (shooter == "ann" ? .miss : .hit))
        #expect(table.turn != shooter)
    }

    @Test("the rules refuse: not your turn, a cell twice, a second fleet, a bad fleet, a cell off the board")
    func refusals() throws {
        var table = try Table.started()
        let (shooter, other) = (table.turn, table.waiting)
        try table.send(.fire(x: 3, y: 3), from: other)
        try table.send(.fire(x: 3, y: 3), from: shooter)
        try table.send(.place(Table.fleetA), from: shooter)
        let output = table.tick()
        #expect(output.rejections.map(\.error) == [.notAllowed("it is not your turn"), .notAllowed("fleets are placed before the game")])
        try table.send(.fire(x: 3, y: 3), from: other)     // its turn now: the turn passes back
        try table.send(.fire(x: 3, y: 3), from: shooter)   // fired at already
        #expect(table.tick().rejections.map(\.error) == [.duplicateElement("a shot at 3,3")])

        var overlapping = Table.fleetA
        overlapping[1].y = 0
        #expect(throws: RoomError.outOfRange("ships overlap at 0,0")) { try table.send(.place(overlapping), from: "ann") }
        #expect(throws: RoomError.outOfRange("cell 8,0")) { try table.send(.fire(x: 8, y: 0), from: "ann") }
    }

    @Test("each player sees its own fleet and only the other's sunk ships; all is shown once the game is over")
    func hiddenFleets() throws {
        var table = try Table.started()
        let annSees = try table.view(of: "ann")
        #expect(annSees.you == 0 && annSees.boards[0].ships == Table.fleetA && annSees.boards[1].ships.isEmpty)
        #expect(annSees.boards[1].ready)
        // Play until a ship sinks: the shooter aims at the other fleet, the other misses.
        var targets: [MemberID: [Cell]] = [
            "ann": Table.fleetB.flatMap(\.cells),
            "bob": (0..<8).flatMap { y in (0..<8).map { Cell(x: UInt8($0), y: UInt8(y)) } }.filter { $0.y >= 4 },
        ]
        while table.room.state.phase == .playing {
            let shooter = table.turn
            let cell = targets[shooter]!.removeFirst()
            try table.send(.fire(x: cell.x, y: cell.y), from: shooter)
            table.tick()
            let sunk = table.room.state.seats[1].fleet.filter(table.room.state.seats[1].isSunk)
            if table.room.state.phase == .playing {
                #expect(try table.view(of: "ann").boards[1].ships == sunk.sorted { $0.x > $1.x })
                #expect(try table.view(of: "bob").boards[0].ships.isEmpty)
            }
        }
        #expect(table.room.state.winner == 0)
        #expect(try table.view(of: "bob").boards[0].ships == Table.fleetA)
    }

    @Test("a player out of time has a random shot fired for it")
    func turnLimit() throws {
        var table = try Table.started()
        let shooter = table.turn
        var fired: [BattleshipOperation] = []
        for _ in 0..<BattleshipRules.turnLimitTicks {
            fired += table.operations(for: "ann", in: table.tick()).filter { if case .fired = $0 { true } else { false } }
        }
        guard case .fired(let by, _, _, _, true) = fired.first else {
            Issue.record("no shot fired for the player out of time")
            return
        }
        #expect(by == (shooter == "ann" ? 0 : 1) && table.turn != shooter)
    }

    @Test("leaving mid-game forfeits; the next player to sit down starts a new game")
    func forfeitAndNewGame() throws {
        var table = try Table.started()
        try table.room.leave("bob")
        #expect(table.room.state.phase == .over && table.room.state.winner == 0)
        try table.room.join("cat")
        #expect(table.room.state.phase == .placing)
        #expect(table.room.state.seats.map(\.isReady) == [false, false])
        try table.send(.randomFleet, from: "cat")
        try table.send(.randomFleet, from: "ann")
        table.tick()
        #expect(table.room.state.phase == .playing)
        try Fleet.check(table.room.state.seats[1].fleet)
    }

    @Test("the page's input bytes are the canonical encoding of the Swift input")
    func inputBytes() throws {
        let fire: [UInt8] = [0x01, 0x04] + Array("fire".utf8) + [0x09, 0x02, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04]
        #expect(BattleshipInput.fire(x: 3, y: 4).encodedBytes() == fire)
        #expect(try BattleshipInput(decoding: fire) == .fire(x: 3, y: 4))
        #expect(BattleshipInput.randomFleet.encodedBytes() == [0x01, 0x0B] + Array("randomFleet".utf8) + [0x01, 0x00])
    }
}
