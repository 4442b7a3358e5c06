public import RoomEngine

/// The Redis keys of a room cluster, all under one prefix (default
/// `huddle`), so several clusters can share a Redis:
///
/// | key | type | holds |
/// | --- | --- | --- |
/// | `P:room:ID` | hash | `kind`, `capacity`, `members`, `owner`, `order` |
/// | `P:room:ID:lease` | string, expiring | `node/fence` of the owner |
/// | `P:room:ID:fence` | counter | the last fence handed out |
/// | `P:room:ID:members` | set | the members seated in it |
/// | `P:rooms:KIND` | sorted set | the kind's rooms by creation order |
/// | `P:open:KIND` | sorted set | those with a free seat |
/// | `P:created:KIND` | counter | rooms of the kind ever created (names `KIND-N`) |
/// | `P:kinds` | set | every kind that had a room |
/// | `P:relay:NODE` | pub/sub channel | messages to a node (``RedisRoomRelayTransport``) |
/// | `P:member:KIND:MEMBER` | string | the room a member is in |
///
/// ```swift
/// let keys = ClusterKeys(prefix: "huddle")
/// keys.lease(of: "whiteboard-1")   // "huddle:room:whiteboard-1:lease"
/// ```
public struct ClusterKeys: Sendable, Hashable {
    /// The prefix of every key.
    public let prefix: String

    /// Keys under `prefix`.
    public init(prefix: String = "huddle") {
        self.prefix = prefix
    }

    /// The room's hash.
    public func room(_ id: RoomID) -> String { "\(prefix):room:\(id.rawValue)" }
    /// The room's lease.
    public func lease(of id: RoomID) -> String { "\(prefix):room:\(id.rawValue):lease" }
    /// The room's fence counter.
    public func fence(of id: RoomID) -> String { "\(prefix):room:\(id.rawValue):fence" }
    /// The kind's rooms, oldest first.
    public func rooms(of kind: RoomKind) -> String { "\(prefix):rooms:\(kind.name)" }
    /// The kind's rooms with a free seat, oldest first.
    public func openRooms(of kind: RoomKind) -> String { "\(prefix):open:\(kind.name)" }
    /// The kind's creation counter.
    public func created(of kind: RoomKind) -> String { "\(prefix):created:\(kind.name)" }
    /// The pub/sub channel of `node`'s relay messages.
    public func relay(to node: String) -> String { "\(prefix):relay:\(node)" }
    /// Where a member of a kind is.
    public func member(_ member: MemberID, of kind: RoomKind) -> String { "\(prefix):member:\(kind.name):\(member.rawValue)" }
}
