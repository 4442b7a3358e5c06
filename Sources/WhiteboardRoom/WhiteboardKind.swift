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

extension RoomKindEntry {
    /// The whiteboard as a catalog registers it: ``WhiteboardLogic`` with
    /// ``WhiteboardBots`` for synthetic recordings and ``WhiteboardRenderer``
    /// for pictures.
    ///
    /// ```swift
    /// let kinds: RoomKindCatalog = [.whiteboard]
    /// ```
    public static let whiteboard = RoomKindEntry(
        WhiteboardLogic(),
        syntheticMembers: { members, seed in WhiteboardBots(members: members, seed: seed) },
        renderer: WhiteboardRenderer()
    )
}
