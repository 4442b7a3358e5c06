import CounterRoom
import HuddleCLI
import HuddleRooms
import RoomEngine

// The executable of docs/room-kinds.md: the whole `huddle` command line for
// the built-in kinds and the counter. The room client's loopback tests run
// `counter-huddle serve --port 0` to play the counter over the network.
await HuddleCommand.main(kinds: .builtIn + [.counter])
