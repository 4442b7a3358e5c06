public import NIOCore

extension EngineIOServer {
    /// The Engine.IO packets and bytes every session of this endpoint has
    /// received and sent since it started (see ``EngineIOTraffic``): each
    /// loop's counts are read on that loop, then added up. Nothing is
    /// shared between loops while packets flow, so asking costs one task
    /// per loop and counting costs no lock or atomic.
    ///
    /// ```swift
    /// io.engine.traffic().whenSuccess { print($0.packetsIn) }
    /// ```
    public func traffic() -> EventLoopFuture<EngineIOTraffic> {
        let reads = shards.map { shard in shard.eventLoop.submit { shard.traffic } }
        return EventLoopFuture.reduce(EngineIOTraffic(), reads, on: loops[0]) { total, loop in
            var total = total
            total.add(loop)
            return total
        }
    }
}
