/// Deterministic stand-ins for a kind's members: the inputs they send
/// before each tick. A kind that offers them (``RoomKindEntry/syntheticMembers``)
/// can be recorded by `huddle sessions synthesize`, which the CLI tests and
/// the store benchmark use; two runs with the same seed send the same bytes.
///
/// ```swift
/// struct CounterBots: SyntheticMembers {
///     let members: [MemberID]
///     mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])] {
///         members.map { ($0, CounterInput.add(1).encodedBytes()) }
///     }
/// }
/// ```
public protocol SyntheticMembers: Sendable {
    /// The members, in the order they join.
    var members: [MemberID] { get }
    /// The encoded inputs to enqueue before tick `tick` runs, in order.
    mutating func inputs(forTick tick: UInt64) -> [(member: MemberID, bytes: [UInt8])]
}

/// SplitMix64: a tiny seeded generator for synthetic members. Never for a
/// logic: rooms draw from the ``DeterministicRandom`` kept in their state.
///
/// ```swift
/// var random = SyntheticRandom(seed: 1)
/// let step = Int(random.next(below: 17)) - 8
/// ```
public struct SyntheticRandom: Sendable {
    private var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// A value in `0..<bound` (`bound` > 0).
    public mutating func next(below bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % bound
    }
}
