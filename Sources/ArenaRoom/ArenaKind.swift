public import RoomEngine

extension RoomKind {
    /// The real-time arena, served by ``ArenaLogic``: the name clients join
    /// and recordings carry.
    ///
    /// ```swift
    /// let listing = try await directory.joinOrCreate(kind: .arena, member: "p1")
    /// ```
    public static let arena: RoomKind = "arena"
}
