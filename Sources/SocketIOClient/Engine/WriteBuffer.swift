import DequeModule

/// Packets the session holds until its transport can take them: while a
/// polling POST is in flight, while an upgrade pauses writes, while a
/// WebSocket's channel is not writable.
///
/// Bounded by bytes (`maxPendingOutgoingBytes`). Overflow policy, decided by
/// the caller: a volatile packet that does not fit is dropped; any other
/// packet that does not fit fails the session ("transport error"), because
/// a client that cannot get its data out should reconnect rather than grow
/// without bound.
struct WriteBuffer {
    private(set) var packets = Deque<OutgoingEnginePacket>()
    private(set) var byteCount = 0
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    var isEmpty: Bool { packets.isEmpty }

    /// Whether `packets` fit under the limit.
    func canAccept(_ more: [OutgoingEnginePacket]) -> Bool {
        byteCount + more.reduce(0) { $0 + $1.payloadLength } <= byteLimit
    }

    mutating func append(contentsOf more: [OutgoingEnginePacket]) {
        for packet in more {
            byteCount += packet.payloadLength
            packets.append(packet)
        }
    }

    /// Takes everything.
    mutating func takeAll() -> [OutgoingEnginePacket] {
        let all = Array(packets)
        packets.removeAll()
        byteCount = 0
        return all
    }

    /// Takes the longest prefix whose polling payload fits in `maxPayload`
    /// bytes (always at least one packet; everything when `maxPayload` is 0),
    /// as the JavaScript client batches POST bodies.
    mutating func takeBatch(maxPayload: Int) -> [OutgoingEnginePacket] {
        guard maxPayload > 0, packets.count > 1 else { return takeAll() }
        var size = 0
        var count = 0
        for packet in packets {
            let next = size + packet.payloadLength + (count > 0 ? 1 : 0)
            if count > 0, next > maxPayload { break }
            size = next
            count += 1
        }
        var batch: [OutgoingEnginePacket] = []
        batch.reserveCapacity(count)
        for _ in 0..<count {
            let packet = packets.removeFirst()
            byteCount -= packet.payloadLength
            batch.append(packet)
        }
        return batch
    }

    mutating func removeAll() {
        packets.removeAll()
        byteCount = 0
    }
}
