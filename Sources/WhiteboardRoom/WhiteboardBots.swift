public import RoomEngine

/// Deterministic synthetic whiteboard members, for recorded benchmarks and
/// tests (`huddle sessions synthesize`): what a room of people drawing sends.
///
/// Every member moves its cursor every tick; one member at a time (the
/// drawer, changing every 90 s round) draws 40-tick strokes of 4 points per
/// tick, and clears the board at the end of its round, like a drawing game.
///
/// ```swift
/// var bots = WhiteboardBots(members: ["bot-0", "bot-1"], seed: 1)
/// for (member, bytes) in bots.inputs(forTick: 1) { _ = try room.enqueue(bytes, from: member) }
/// ```
public struct WhiteboardBots: SyntheticMembers {
    /// Ticks a drawer keeps the pen (90 s at 20 Hz).
    public static let roundTicks: UInt64 = 1_800

    /// The members, in join order.
    public let members: [MemberID]
    private var random: SyntheticRandom
    private var cursors: [(x: Int, y: Int)]
    private var nextStroke: UInt32 = 1

    /// Bots for `members`, drawing from `seed`.
    public init(members: [MemberID], seed: UInt64) {
        self.members = members
        self.random = SyntheticRandom(seed: seed)
        self.cursors = members.map { _ in (2_048, 2_048) }
    }

    /// Every member's cursor move, then the drawer's stroke step or clear.
    public mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])] {
        var result: [(member: MemberID, bytes: [UInt8])] = []
        for index in members.indices {
            cursors[index].x = min(max(cursors[index].x + Int(random.next(below: 17)) - 8, 0), 4_095)
            cursors[index].y = min(max(cursors[index].y + Int(random.next(below: 17)) - 8, 0), 4_095)
            let cursor = WhiteboardInput.cursor(x: UInt16(cursors[index].x), y: UInt16(cursors[index].y))
            result.append((members[index], cursor.encodedBytes()))
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
            let color = UInt32(random.next(below: 0x1000000))
            result.append((drawer, WhiteboardInput.beginStroke(id: id, color: color, width: 3).encodedBytes()))
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
}
