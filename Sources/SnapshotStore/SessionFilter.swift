public import RoomEngine

/// Which sessions ``SessionStore/sessions(matching:)`` returns.
public struct SessionFilter: Equatable, Sendable {
    /// Only this kind.
    public var kind: RoomKind?
    /// Only this room.
    public var roomID: RoomID?
    /// Only sessions that started at or after this time (µs since 1970).
    public var startedFrom: Int64?
    /// Only sessions that started before this time (µs since 1970).
    public var startedBefore: Int64?
    /// Only sessions in this status.
    public var status: SessionStatus?
    /// At most this many, newest first.
    public var limit: Int?

    /// Creates a filter; every field defaults to "any".
    public init(
        kind: RoomKind? = nil, roomID: RoomID? = nil, startedFrom: Int64? = nil,
        startedBefore: Int64? = nil, status: SessionStatus? = nil, limit: Int? = nil
    ) {
        self.kind = kind
        self.roomID = roomID
        self.startedFrom = startedFrom
        self.startedBefore = startedBefore
        self.status = status
        self.limit = limit
    }
}
