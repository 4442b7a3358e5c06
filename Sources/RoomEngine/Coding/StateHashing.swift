/// Which hash of the room's state a recording keeps for each tick.
///
/// Replays compare every tick's state with the recording by this hash, so
/// the replay must compute the same one the live room did. Recordings made
/// before kinds had fingerprints hold ``canonicalBytes``; the runner records
/// ``fingerprint`` since. For a kind without its own fingerprint (the arena,
/// most kinds) the two are the same number.
///
/// ```swift
/// let hash = room.stateHash(session.stateHashing)
/// ```
public enum StateHashing: UInt8, Equatable, Hashable, Sendable, CaseIterable {
    /// FNV-1a-64 over the state's canonical bytes (``RoomState/stateHash``):
    /// each tick costs the whole state.
    case canonicalBytes = 0
    /// The kind's ``RoomState/fingerprint``: each tick costs what changed
    /// for a kind that keeps digests (the whiteboard), the canonical bytes
    /// otherwise.
    case fingerprint = 1

    /// The name used in JSON exports and in `huddle show`.
    public var name: String {
        switch self {
        case .canonicalBytes: "canonicalBytes"
        case .fingerprint: "fingerprint"
        }
    }
}
