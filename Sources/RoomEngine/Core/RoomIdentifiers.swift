/// The stable name of a room kind, such as `whiteboard` or `arena`.
///
/// A kind names both the logic that runs a room and the pool of rooms the
/// ``RoomDirectory`` matches players into. It is a plain string so that the
/// network binding can take it straight from a client request. The engine
/// knows no kind by name: each kind's module declares its own constant
/// (`RoomKind.whiteboard` in `WhiteboardRoom`, `RoomKind.arena` in
/// `ArenaRoom`), and a ``RoomKindCatalog`` lists the kinds a program runs.
///
/// ```swift
/// extension RoomKind {
///     static let counter: RoomKind = "counter"
/// }
/// ```
public struct RoomKind: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The kind's name as it appears on the wire and in recordings.
    public let name: String

    /// Creates a kind from its wire name.
    public init(_ name: String) { self.name = name }

    /// Creates a kind from a string literal, so call sites read `"arena"`.
    public init(stringLiteral value: String) { self.name = value }

    /// The wire name, so kinds print the way clients spell them.
    public var description: String { name }

    /// Orders kinds by name, which keeps listings deterministic.
    public static func < (lhs: RoomKind, rhs: RoomKind) -> Bool { lhs.name < rhs.name }
}

/// The identifier of one live room, unique within a ``RoomDirectory``.
///
/// Identifiers are strings so that they can be shown to users and used as
/// Socket.IO room names without conversion.
public struct RoomID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier text.
    public let rawValue: String

    /// Creates an identifier from its text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates an identifier from a string literal (handy in tests).
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The identifier text, so logs show it plainly.
    public var description: String { rawValue }

    /// Orders identifiers by text, which keeps listings deterministic.
    public static func < (lhs: RoomID, rhs: RoomID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The identifier of one member (a connected client session) of a room.
///
/// The binding uses the Socket.IO socket id. Inside a room's state every
/// member also gets a small numeric *slot* (see the room kinds), which is what
/// the compact delta encoding carries on the wire; the string id is only sent
/// in snapshots and join operations.
public struct MemberID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier text.
    public let rawValue: String

    /// Creates a member identifier from its text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates a member identifier from a string literal (handy in tests).
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders members by text, which keeps per-recipient outputs deterministic.
    public static func < (lhs: MemberID, rhs: MemberID) -> Bool { lhs.rawValue < rhs.rawValue }
}
