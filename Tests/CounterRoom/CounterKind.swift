public import RoomEngine

/// Synthetic counter members: each adds 1…3 every fifth tick, in turn.
public struct CounterBots: SyntheticMembers {
    /// The members, in join order.
    public let members: [MemberID]
    private var random: SyntheticRandom

    /// Bots for `members`, drawing from `seed`.
    public init(members: [MemberID], seed: UInt64) {
        self.members = members
        self.random = SyntheticRandom(seed: seed)
    }

    /// Every fifth tick, the next member in turn adds 1…3.
    public mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])] {
        guard !members.isEmpty, tick % 5 == 0 else { return [] }
        let member = members[Int(tick / 5) % members.count]
        return [(member, CounterInput.add(UInt8(1 + random.next(below: 3))).encodedBytes())]
    }
}

extension RoomKindEntry {
    /// The counter kind, registered once: every layer takes it from here.
    public static let counter = RoomKindEntry(CounterLogic()) { members, seed in
        CounterBots(members: members, seed: seed)
    }
}
