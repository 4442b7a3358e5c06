import ArenaRoom
public import RoomEngine
import WhiteboardRoom

extension RoomKindCatalog {
    /// The kinds Huddle ships: the collaborative whiteboard and the arena.
    /// This is the one place they are registered; `huddle` serves, replays,
    /// verifies, shows and exports exactly these, and an app adds its own.
    ///
    /// ```swift
    /// await HuddleCommand.main(kinds: .builtIn + [RoomKindEntry(CounterLogic())])
    /// ```
    public static let builtIn: RoomKindCatalog = [.whiteboard, .arena]
}
