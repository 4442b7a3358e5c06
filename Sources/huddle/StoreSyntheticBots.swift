import ArenaRoom
import RoomEngine
import WhiteboardRoom

/// Deterministic synthetic players for `huddle sessions synthesize`: what a
/// room of people drawing (whiteboard) or running around (arena) sends.
///
/// Whiteboard: every member moves its cursor every tick; one member at a
/// time (the drawer, changing every 90 s round) draws 40-tick strokes of 4
/// points per tick, and clears the board at the end of its round, like a
/// drawing game. Arena: players change direction every 15 ticks, dash now
/// and then and emote every ~10 s.
struct SyntheticBots {
    let kind: RoomKind
    let members: [MemberID]
    private var random: SplitMix
    private var cursors: [(x: Int, y: Int)]
    private var nextStroke: UInt32 = 1

    static let roundTicks: UInt64 = 1_800

    init(kind: RoomKind, members: [MemberID], seed: UInt64) {
        self.kind = kind
        self.members = members
        self.random = SplitMix(seed)
        self.cursors = members.map { _ in (2_048, 2_048) }
    }

    /// The inputs to enqueue before tick `tick` runs, in order.
    mutating func inputs(forTick tick: UInt64) -> [(MemberID, [UInt8])] {
        kind == .arena ? arenaInputs(tick) : whiteboardInputs(tick)
    }

    private mutating func whiteboardInputs(_ tick: UInt64) -> [(MemberID, [UInt8])] {
        var result: [(MemberID, [UInt8])] = []
        for index in members.indices {
            cursors[index].x = min(max(cursors[index].x + Int(random.next(17)) - 8, 0), 4_095)
            cursors[index].y = min(max(cursors[index].y + Int(random.next(17)) - 8, 0), 4_095)
            result.append((members[index], WhiteboardInput.cursor(x: UInt16(cursors[index].x), y: UInt16(cursors[index].y)).encodedBytes()))
        }
        guard !members.isEmpty else { return result }
        let drawer = members[Int(tick / Self.roundTicks) % members.count]
        let phase = tick % Self.roundTicks
        if phase == Self.roundTicks - 1 {
            result.append((drawer, WhiteboardInput.clear.encodedBytes()))
            return result
        }
        let step = phase % 60
        let id = nextStroke
        switch step {
        case 0:
            result.append((drawer, WhiteboardInput.beginStroke(id: id, color: UInt32(random.next(0x1000000)), width: 3).encodedBytes()))
        case 1...40:
            let base = cursors[members.firstIndex(of: drawer) ?? 0]
            let points = (0..<4).map { offset in
                CanvasPoint(x: UInt16(min(base.x + offset * 3, 4_095)), y: UInt16(min(base.y + Int(step), 4_095)))
            }
            result.append((drawer, WhiteboardInput.appendPoints(id: id, points: points).encodedBytes()))
        case 41:
            result.append((drawer, WhiteboardInput.endStroke(id: id).encodedBytes()))
            nextStroke += 1
        default:
            break
        }
        return result
    }

    private mutating func arenaInputs(_ tick: UInt64) -> [(MemberID, [UInt8])] {
        var result: [(MemberID, [UInt8])] = []
        for (index, member) in members.enumerated() where (tick + UInt64(index)) % 15 == 0 {
            let dx = Int8(random.next(3)) - 1
            let dy = Int8(random.next(3)) - 1
            let buttons: UInt8 = random.next(8) == 0 ? 1 : 0
            result.append((member, ArenaInput.move(dx: dx, dy: dy, buttons: buttons).encodedBytes()))
        }
        if let member = members.first, tick % 200 == 100 {
            result.append((member, ArenaInput.emote(code: UInt8(random.next(8))).encodedBytes()))
        }
        return result
    }
}

/// SplitMix64: a tiny seeded generator for the bots (not used by any logic).
struct SplitMix {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    /// A value in `0..<bound`.
    mutating func next(_ bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % bound
    }
}
