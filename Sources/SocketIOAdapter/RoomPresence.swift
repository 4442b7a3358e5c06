import NIOConcurrencyHelpers

/// The rooms (socket ids included) present on any loop of a namespace,
/// counted by loops: a room is present while at least one loop has it.
/// Bounded by the rooms and sockets that exist. Readable from any thread.
final class RoomPresence: Sendable {
    private let counts = NIOLockedValueBox([RoomName: Int]())

    /// A loop has the room now (its first member there).
    func appeared(_ room: RoomName) {
        counts.withLockedValue { $0[room, default: 0] += 1 }
    }

    /// A loop no longer has the room (its last member there left).
    func disappeared(_ room: RoomName) {
        counts.withLockedValue { counts in
            guard let count = counts[room] else { return }
            counts[room] = count > 1 ? count - 1 : nil
        }
    }

    /// Whether any loop has the room.
    func contains(_ room: RoomName) -> Bool {
        counts.withLockedValue { $0[room] != nil }
    }
}
