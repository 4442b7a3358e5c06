import NIOCore
import EngineIO

/// Counts the Engine.IO events of `server_stats.aggregatedEvents`: one
/// buffer per loop, each touched only on its loop (no lock per packet), all
/// drained on their loops at each stats emission.
final class EngineStatsObserver: EngineIOObserver {
    /// One loop's counts. Confined to that loop.
    final class LoopBuffer: @unchecked Sendable {
        var events = AggregatedEvents()
    }

    let loops: [any EventLoop]
    private let buffers: [LoopBuffer]

    init(loops: [any EventLoop]) {
        self.loops = loops
        self.buffers = loops.map { _ in LoopBuffer() }
    }

    private func add(_ socket: EngineIOSocket, _ kind: AggregatedEvents.Kind, subType: String? = nil, count: Int = 1) {
        buffers[socket.loopIndex].events.add(kind, subType: subType, count: count, at: AdminTimestamp.nowSeconds())
    }

    func sessionOpened(_ socket: EngineIOSocket) { add(socket, .rawConnection) }

    func sessionClosed(_ socket: EngineIOSocket, reason: EngineIOCloseReason) {
        add(socket, .rawDisconnection, subType: reason.rawValue)
    }

    func messageReceived(_ socket: EngineIOSocket, bytes: Int) {
        let buffer = buffers[socket.loopIndex]
        let second = AdminTimestamp.nowSeconds()
        buffer.events.add(.packetsIn, at: second)
        buffer.events.add(.bytesIn, count: bytes, at: second)
    }

    func messageSent(_ socket: EngineIOSocket, bytes: Int) {
        let buffer = buffers[socket.loopIndex]
        let second = AdminTimestamp.nowSeconds()
        buffer.events.add(.packetsOut, at: second)
        buffer.events.add(.bytesOut, count: bytes, at: second)
    }

    /// Every loop's buckets since the last drain, merged (each drained on its loop).
    func drain(on loop: any EventLoop) -> EventLoopFuture<AggregatedEvents> {
        let futures = zip(loops, buffers).map { loop, buffer in
            loop.submit { () -> AggregatedEvents in
                let events = buffer.events
                buffer.events = AggregatedEvents()
                return events
            }
        }
        return EventLoopFuture.reduce(AggregatedEvents(), futures, on: loop) { total, next in
            var merged = total
            merged.merge(next)
            return merged
        }
    }
}
