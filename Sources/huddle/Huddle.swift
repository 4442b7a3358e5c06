import HuddleCLI
import HuddleRooms

/// The `huddle` executable: the command line of ``HuddleCommand`` for the
/// kinds Huddle ships. This is the one place they are handed over.
@main
enum Huddle {
    static func main() async {
        await HuddleCommand.main(kinds: .builtIn)
    }
}
