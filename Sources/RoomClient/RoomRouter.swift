import SocketIOClient
import Synchronization

/// What the client's socket listeners hand a joined room, on the
/// connection's event loop, in arrival order.
protocol RoomLink: AnyObject, Sendable {
    /// A `delta` attachment.
    func receivedDelta(_ bytes: [UInt8])
    /// An `ops` attachment.
    func receivedOperations(_ bytes: [UInt8])
    /// A `room-error` event.
    func receivedError(_ error: RoomClientError)
    /// A `room-closed` event: the membership is gone.
    func receivedClosed(reason: String)
    /// The socket joined the namespace (again).
    func connected()
    /// The socket left the namespace.
    func disconnected(_ reason: SocketDisconnectReason)
    /// The manager gave up reconnecting.
    func reconnectionFailed()
}

/// The room a client's socket is in (a socket is in at most one room):
/// where the socket's listeners send what arrives.
final class RoomRouter: Sendable {
    private let room = Mutex<(any RoomLink)?>(nil)

    /// The room now, if any.
    var current: (any RoomLink)? { room.withLock { $0 } }

    /// Makes `link` the room (a join answered).
    func attach(_ link: any RoomLink) {
        room.withLock { $0 = link }
    }

    /// Forgets `link` if it is still the room.
    func detach(_ link: any RoomLink) {
        room.withLock { current in
            if current === link { current = nil }
        }
    }
}
