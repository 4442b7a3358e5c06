import Foundation

/// Where the game's page lives: `Assets/` of this package, found from this
/// source file (a checkout), unless `--assets` names another directory.
enum BattleshipPages {
    static var directory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Assets").path
    }
}
