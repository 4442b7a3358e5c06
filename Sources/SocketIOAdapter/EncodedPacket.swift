/// A packet as the server encoded it once for every recipient (its frames,
/// ready for any transport). Opaque to an adapter: it comes from
/// ``AdapterContext/encode`` and goes, unopened, to each recipient's
/// ``AdapterSocket/deliver(_:encoded:volatile:)``; only the server that made
/// it reads it. So an adapter is written against this module and the pure
/// `SocketIOCore` alone, never against the server's transports.
///
/// A class-bound protocol: passing one to each recipient copies a pointer,
/// and the server reads its own type back without a dynamic cast.
///
/// ```swift
/// let encoded = context.encode(packet, options.flags)      // once
/// for socket in recipients { socket.deliver(packet, encoded: encoded, volatile: false) }
/// ```
public protocol EncodedPacket: AnyObject, Sendable {
    /// The same packet in buffers of its own, to hand to another event
    /// loop: when two cores write the same buffers, their reference counts
    /// bounce between the cores' caches on every delivery.
    func copiedForAnotherLoop() -> any EncodedPacket
}
