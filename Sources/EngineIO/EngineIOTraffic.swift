public import EngineIOCore
import NIOCore

/// Engine.IO packets and their bytes, in and out: what `huddle_packets_total`
/// and `huddle_bytes_total` report.
///
/// Counted by each event loop for its own sessions (a plain value in the
/// loop's session shard, touched only on that loop: no lock and no atomic
/// per packet) and summed when asked (``EngineIOServer/traffic()``).
///
/// - in: every packet a session receives, on either transport (pings,
///   pongs, the upgrade's `2probe` and `5` included);
/// - out: every packet a session sends: the open packet, messages, pings
///   and pongs (not the `3probe` answer and the noops that release a held
///   poll during an upgrade, which the transports write themselves).
///
/// A packet's bytes are its v4 encoding before compression and without the
/// transport's framing: the type digit and the data of a text packet, the
/// raw bytes of a binary one (whether it travelled as a WebSocket frame or
/// base64 in a polling payload).
///
/// ```swift
/// let traffic = try await io.engine.traffic().get()
/// print(traffic.packetsIn, traffic.bytesOut)
/// ```
public struct EngineIOTraffic: Equatable, Sendable {
    /// Packets received from clients.
    public var packetsIn: UInt64 = 0
    /// Packets sent to clients.
    public var packetsOut: UInt64 = 0
    /// Bytes of the packets received.
    public var bytesIn: UInt64 = 0
    /// Bytes of the packets sent.
    public var bytesOut: UInt64 = 0

    /// Nothing counted yet.
    public init() {}

    /// The bytes `packet` counts for (see the type's documentation).
    public static func size(of packet: EngineIOPacket) -> UInt64 {
        UInt64(truncatingIfNeeded: packet.data.readableBytes &+ (packet.isBinary ? 0 : 1))
    }

    /// One packet received.
    public mutating func received(_ packet: EngineIOPacket) {
        packetsIn &+= 1
        bytesIn &+= Self.size(of: packet)
    }

    /// One packet sent.
    public mutating func sent(_ packet: EngineIOPacket) {
        packetsOut &+= 1
        bytesOut &+= Self.size(of: packet)
    }

    /// A packet and a binary message of `length` bytes after it sent.
    public mutating func sent(_ packet: EngineIOPacket, followedByBinary length: Int) {
        packetsOut &+= 2
        bytesOut &+= Self.size(of: packet) &+ UInt64(truncatingIfNeeded: length)
    }

    /// Packets that leave together sent.
    public mutating func sent(_ packets: [EngineIOOutboundPacket]) {
        packetsOut &+= UInt64(truncatingIfNeeded: packets.count)
        for packet in packets { bytesOut &+= Self.size(of: packet.packet) }
    }

    /// Adds another loop's counts.
    public mutating func add(_ other: EngineIOTraffic) {
        packetsIn &+= other.packetsIn
        packetsOut &+= other.packetsOut
        bytesIn &+= other.bytesIn
        bytesOut &+= other.bytesOut
    }
}
