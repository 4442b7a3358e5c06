import Synchronization
public import NIOCore
import EngineIOCore

/// Watches an Engine.IO endpoint from outside: sessions opening, upgrading
/// and closing, and the messages they carry (the Socket.IO Admin UI's
/// `rawConnection`, `rawDisconnection`, `packetsIn/Out`, `bytesIn/Out`).
///
/// Every method is called on the session's loop, synchronously, from the
/// code path it reports: keep it short, and keep its state per loop
/// (``EngineIOSocket/loopIndex``) so that no lock is taken per message.
/// With no observer installed, each of those paths costs one atomic load.
///
/// ```swift
/// final class Counter: EngineIOObserver {
///     func sessionOpened(_ socket: EngineIOSocket) { /* per-loop count += 1 */ }
/// }
/// try server.engine.install(observer: Counter())
/// ```
public protocol EngineIOObserver: AnyObject, Sendable {
    /// A session opened (``EngineIOSocket/transport`` is its first transport).
    func sessionOpened(_ socket: EngineIOSocket)
    /// A session completed its upgrade to WebSocket.
    func sessionUpgraded(_ socket: EngineIOSocket)
    /// A session closed, with the reason its socket reports.
    func sessionClosed(_ socket: EngineIOSocket, reason: EngineIOCloseReason)
    /// A message packet arrived; `bytes` is its data's length (UTF-8 bytes
    /// of a text message without the type digit, or the binary length).
    func messageReceived(_ socket: EngineIOSocket, bytes: Int)
    /// A message packet was handed to the session's transport (written or
    /// queued); `bytes` as for ``messageReceived(_:bytes:)``.
    func messageSent(_ socket: EngineIOSocket, bytes: Int)
}

extension EngineIOObserver {
    /// Nothing by default.
    public func sessionOpened(_ socket: EngineIOSocket) {}
    /// Nothing by default.
    public func sessionUpgraded(_ socket: EngineIOSocket) {}
    /// Nothing by default.
    public func sessionClosed(_ socket: EngineIOSocket, reason: EngineIOCloseReason) {}
    /// Nothing by default.
    public func messageReceived(_ socket: EngineIOSocket, bytes: Int) {}
    /// Nothing by default.
    public func messageSent(_ socket: EngineIOSocket, bytes: Int) {}
}

/// An observer was already installed on this endpoint (one per endpoint:
/// a second would need a fan-out, which nothing needs yet).
public struct EngineIOObserverAlreadyInstalled: Error, Hashable, Sendable {}

/// One observer, set once, then read lock-free (one acquiring load) on
/// every path it watches: the Engine.IO endpoint's and the Socket.IO
/// server's seams share it.
package final class ObserverSlot<Observer: Sendable>: Sendable {
    private final class Box: Sendable {
        let observer: Observer
        init(_ observer: Observer) { self.observer = observer }
    }

    private let slot = AtomicLazyReference<Box>()

    package init() {}

    package var observer: Observer? { slot.load()?.observer }

    /// Installs `observer`; false when one was installed already.
    package func install(_ observer: Observer) -> Bool {
        let box = Box(observer)
        return slot.storeIfNil(box) === box
    }
}

extension EngineIOServer {
    /// Installs the endpoint's observer (once; sessions opened before are
    /// reported from their next event on, not their opening).
    ///
    /// ```swift
    /// try io.engine.install(observer: myObserver)
    /// ```
    public func install(observer: any EngineIOObserver) throws(EngineIOObserverAlreadyInstalled) {
        guard observerSlot.install(observer) else { throw EngineIOObserverAlreadyInstalled() }
    }

    /// The endpoint's loops, in the order of ``EngineIOSocket/loopIndex``.
    ///
    /// ```swift
    /// let perLoop = io.engine.eventLoops.map { _ in Counter() }
    /// ```
    public var eventLoops: [any EventLoop] { loops }
}

extension EngineIOSocket {
    /// The index of the session's loop in the server's group (0..<loops):
    /// lets an observer keep its state per loop, without a lock.
    public var loopIndex: Int { shard.index }

    /// The observer, if one is installed (one atomic load).
    var observer: (any EngineIOObserver)? { server.observerSlot.observer }

    /// Reports a message packet handed to the transport.
    func observeSent(_ packet: EngineIOOutboundPacket) {
        guard packet.packet.type == .message, let observer else { return }
        observer.messageSent(self, bytes: packet.packet.data.readableBytes)
    }
}
