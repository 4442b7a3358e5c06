public import RoomEngine

extension RoomKind {
    /// The collaborative whiteboard, served by ``WhiteboardLogic``: the name
    /// clients join and recordings carry.
    ///
    /// ```swift
    /// let listing = try await directory.joinOrCreate(kind: .whiteboard, member: "alice")
    /// ```
    public static let whiteboard: RoomKind = "whiteboard"
}
