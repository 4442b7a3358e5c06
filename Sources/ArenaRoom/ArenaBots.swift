public import RoomEngine

/// Deterministic synthetic arena players, for recorded benchmarks and tests
/// (`huddle sessions synthesize`): players change direction every 15 ticks,
/// dash now and then, and the first one emotes every ~7 s.
///
/// ```swift
/// var bots = ArenaBots(members: ["p1", "p2"], seed: 1)
/// for (member, bytes) in bots.inputs(forTick: 15) { _ = try room.enqueue(bytes, from: member) }
/// ```
public struct ArenaBots: SyntheticMembers {
    /// The players, in join order.
    public let members: [MemberID]
    private var random: SyntheticRandom

    /// Bots for `members`, drawing from `seed`.
    public init(members: [MemberID], seed: UInt64) {
        self.members = members
        self.random = SyntheticRandom(seed: seed)
    }

    /// Each player's new direction on its turn, then an emote now and then.
    public mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])] {
        var result: [(member: MemberID, bytes: [UInt8])] = []
        for (index, member) in members.enumerated() where (tick + UInt64(index)) % 15 == 0 {
            let dx = Int8(random.next(below: 3)) - 1
            let dy = Int8(random.next(below: 3)) - 1
            let buttons: UInt8 = random.next(below: 8) == 0 ? 1 : 0
            result.append((member, ArenaInput.move(dx: dx, dy: dy, buttons: buttons).encodedBytes()))
        }
        if let member = members.first, tick % 200 == 100 {
            result.append((member, ArenaInput.emote(code: UInt8(random.next(below: 8))).encodedBytes()))
        }
        return result
    }
}
