import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// Socket.IO options that reconnect fast (tests wait for events, never for
/// time: a short reconnection delay only keeps them quick).
func fastReconnection(transports: [ClientTransport] = [.websocket]) -> ClientOptions {
    var options = ClientOptions()
    options.transports = transports
    options.reconnectionDelay = .milliseconds(50)
    options.reconnectionDelayMax = .milliseconds(250)
    options.randomizationFactor = 0
    return options
}

/// A room client of `server`, reconnecting fast.
func makeClient(
    _ server: HuddleServer,
    transports: [ClientTransport] = [.websocket],
    configure: (inout RoomClientConfiguration) -> Void = { _ in }
) throws -> RoomClient {
    var configuration = RoomClientConfiguration()
    configure(&configuration)
    return try RoomClient(url: server.url, options: fastReconnection(transports: transports), configuration: configuration)
}

/// Applies whiteboard operations to a replica, as the server does.
let applyBoard: @Sendable (inout WhiteboardState, WhiteboardOperation) throws -> Void = { state, operation in
    try state.apply(operation)
}

/// Reads a room's updates in the test's task.
struct UpdateReader<Logic: RoomLogic> {
    private var iterator: RoomUpdates<Logic>.AsyncIterator

    init(_ room: RemoteRoom<Logic>) {
        iterator = room.updates.makeAsyncIterator()
    }

    struct Ended: Error, CustomStringConvertible {
        let what: String
        var description: String { "the updates ended while waiting for \(what)" }
    }

    /// The next update.
    mutating func next(_ what: String) async throws -> RoomUpdate<Logic> {
        guard let update = try await iterator.next() else { throw Ended(what: what) }
        return update
    }

    /// The next update `match` accepts (others are skipped), and its value.
    mutating func first<T>(_ what: String, _ match: (RoomUpdate<Logic>) -> T?) async throws -> T {
        while true {
            if let value = match(try await next(what)) { return value }
        }
    }

    /// The next `count` operations (other updates are skipped).
    mutating func operations(_ count: Int) async throws -> [RoomOperation<Logic.Operation>] {
        var operations: [RoomOperation<Logic.Operation>] = []
        while operations.count < count {
            operations.append(try await first("operation \(operations.count + 1) of \(count)") { update in
                if case .operation(let operation) = update { return operation }
                return nil
            })
        }
        return operations
    }

    /// Whether the updates end (normally) at the next read.
    mutating func ends() async throws -> Bool {
        try await iterator.next() == nil
    }
}

/// Waits until the mirrored positions of `room` satisfy `condition`
/// (frames arrive as deltas are applied; the current one first).
@discardableResult
func positions<Logic: RoomLogic>(
    of room: RemoteRoom<Logic>,
    _ what: String,
    where condition: (PositionTable) -> Bool
) async throws -> PositionFrame {
    for await frame in room.positionFrames() where condition(frame.table) {
        return frame
    }
    throw UpdateReader<Logic>.Ended(what: what)
}

/// The whiteboard slot of `member` in `room`'s state.
func slot(of member: MemberID, in room: RemoteRoom<WhiteboardLogic>) throws -> UInt32 {
    UInt32(try #require(room.state.member(member)?.slot))
}
