import BattleshipRoom
import HuddleCLI
import HuddleRooms

/// `battleship-huddle`: the whole `huddle` command line for the built-in
/// kinds and Battleship. `serve` serves this package's page (`Assets/`) at
/// `/` and every kind on `/rooms`; `sessions`, `show`, `replay`, `verify`
/// and `export` read its recordings.
///
/// ```text
/// swift run battleship-huddle serve --port 3000      # then open http://127.0.0.1:3000 twice
/// swift run battleship-huddle verify --all
/// ```
@main
enum BattleshipHuddle {
    static func main() async {
        await HuddleCommand.main(kinds: .builtIn + [.battleship], assets: BattleshipPages.directory)
    }
}
