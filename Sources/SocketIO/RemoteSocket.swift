public import NIOCore
public import SocketIOCore
public import SocketIOAdapter

/// A socket seen from anywhere (another loop, a task, another server): a
/// snapshot of its state that can still be addressed by id. What
/// `fetchSockets()` returns, and what ``SocketIOSocket/remote`` gives for
/// use outside the socket's loop.
///
/// ```swift
/// for socket in try await io.sockets.in("lobby").fetchSockets() {
///     socket.emit("bye")
///     socket.disconnect()
/// }
/// ```
public struct RemoteSocket: Sendable {
    /// Socket id.
    public let id: SocketID
    /// The handshake, as JSON.
    public let handshake: JSONValue
    /// Rooms when the snapshot was taken.
    public let rooms: [RoomName]
    /// Per-socket data when the snapshot was taken.
    public let data: JSONValue
    /// Its namespace.
    public let namespace: SocketIONamespace

    init(snapshot: SocketSnapshot, namespace: SocketIONamespace) {
        id = snapshot.id
        handshake = snapshot.handshake
        rooms = snapshot.rooms
        data = snapshot.data
        self.namespace = namespace
    }

    private var only: BroadcastOperator { namespace.broadcastOperator.to(id) }

    /// Sends an event to this socket.
    public func emit(_ event: String, _ arguments: JSONValue...) { only.emit(event, arguments: arguments) }

    /// Sends an event and waits for the answer (5 s unless `timeout` is given).
    public func emitWithAck(_ event: String, _ arguments: JSONValue..., timeout: TimeAmount = .seconds(5)) async throws -> [JSONValue] {
        let answers: [[JSONValue]] = try await withCheckedThrowingContinuation { continuation in
            only.timeout(timeout).emit(event, arguments: arguments) { error, responses in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: responses) }
            }
        }
        guard let first = answers.first else { throw SocketIOAckError.disconnected }
        return first
    }

    /// Joins rooms.
    public func join(_ rooms: RoomName...) { only.socketsJoin(rooms) }
    /// Leaves rooms.
    public func leave(_ rooms: RoomName...) { only.socketsLeave(rooms) }
    /// Disconnects it (`close` closes its whole connection).
    public func disconnect(close: Bool = false) { only.disconnectSockets(close: close) }
}
