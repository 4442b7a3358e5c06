/// The identifier of one recorded session: the row id the store assigned
/// when the room started. Room ids repeat (a room can be restarted); session
/// ids never do.
///
/// ```swift
/// let id: RecordedSessionID = 42
/// let summary = try store.summary(of: id)
/// ```
public struct RecordedSessionID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The row id.
    public let rawValue: Int64

    /// Wraps a row id.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Creates an identifier from an integer literal (handy in tests and docs).
    public init(integerLiteral value: Int64) { self.rawValue = value }

    /// The decimal row id, as the CLI prints and parses it.
    public var description: String { String(rawValue) }

    /// Orders by row id, which is the order sessions started in.
    public static func < (lhs: RecordedSessionID, rhs: RecordedSessionID) -> Bool { lhs.rawValue < rhs.rawValue }
}
