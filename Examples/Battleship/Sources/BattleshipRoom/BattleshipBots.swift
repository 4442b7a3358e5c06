public import RoomEngine

/// Two synthetic players for `battleship-huddle sessions synthesize` and the
/// tests: each asks for a random fleet, then fires every tick at its next
/// cell in a fixed walk of the board (refused when it is not its turn,
/// which a recording replays too), and asks for a rematch once a game ends.
public struct BattleshipBots: SyntheticMembers {
    /// The members, in join order.
    public let members: [MemberID]
    private var random: SyntheticRandom
    private var next: [Int]

    /// Bots for `members`, drawing from `seed`.
    public init(members: [MemberID], seed: UInt64) {
        self.members = members
        self.random = SyntheticRandom(seed: seed)
        self.next = Array(repeating: 0, count: members.count)
    }

    /// Tick 1: a random fleet each. Then a shot each per tick (cells walked
    /// with a stride, so both fire all over the board), and now and then a rematch.
    public mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])] {
        guard tick > 1 else { return members.map { ($0, BattleshipInput.randomFleet.encodedBytes()) } }
        var inputs: [(member: MemberID, bytes: [UInt8])] = []
        for (index, member) in members.enumerated() {
            if random.next(below: 50) == 0 {
                inputs.append((member, BattleshipInput.rematch.encodedBytes()))
                inputs.append((member, BattleshipInput.randomFleet.encodedBytes()))
            }
            let cell = (next[index] * 37 + index * 11) % 64
            inputs.append((member, BattleshipInput.fire(x: UInt8(cell % 8), y: UInt8(cell / 8)).encodedBytes()))
            next[index] += 1
        }
        return inputs
    }
}
