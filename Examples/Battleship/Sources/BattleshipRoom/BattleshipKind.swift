public import RoomEngine

extension RoomKindEntry {
    /// The Battleship kind, registered once: `serve`, `replay`, `verify` and
    /// the rest take it from here. Its synthetic members play whole games.
    ///
    /// ```swift
    /// await HuddleCommand.main(kinds: .builtIn + [.battleship])
    /// ```
    public static let battleship = RoomKindEntry(BattleshipLogic()) { members, seed in
        BattleshipBots(members: members, seed: seed)
    }
}

/// The fixed rules of the game.
public enum BattleshipRules {
    /// The kind's name on the wire and in recordings. (Not a `RoomKind.battleship`:
    /// beside `RoomKindEntry.battleship`, the shorthand `[.battleship]` of a
    /// catalog would no longer say which one it means.)
    public static let kind: RoomKind = "battleship"
    /// Cells per side of a board (coordinates 0…7).
    public static let boardSize: UInt8 = 8
    /// The lengths of a fleet's ships, longest first.
    public static let fleetLengths: [UInt8] = [4, 3, 3, 2]
    /// Ticks per second (a turn-based game needs few).
    public static let ticksPerSecond = 10
    /// Ticks a player has to fire (30 s); then the room fires for it.
    public static let turnLimitTicks: UInt64 = 300
}
