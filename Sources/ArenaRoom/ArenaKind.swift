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

extension RoomKindEntry {
    /// The arena as a catalog registers it: ``ArenaLogic`` (8 pickups) with
    /// ``ArenaBots`` for synthetic recordings and ``ArenaRenderer`` for pictures.
    ///
    /// ```swift
    /// let kinds: RoomKindCatalog = [.arena]
    /// ```
    public static let arena = RoomKindEntry(
        ArenaLogic(),
        syntheticMembers: { members, seed in ArenaBots(members: members, seed: seed) },
        renderer: ArenaRenderer()
    )
}
