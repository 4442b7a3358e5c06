import NIOCore
import EngineIOCore
import ZlibCompression

/// The sessions owned by one event loop, found by sid.
///
/// Each loop indexes only its own sessions, so opening, finding and closing
/// a session never takes a lock shared by all loops. A sid names its shard
/// (see ``SessionID``), so a request on any loop knows where to hop.
///
/// Confined to `eventLoop`: every method asserts it runs there.
final class SessionShard: @unchecked Sendable {
    let index: Int
    let eventLoop: any EventLoop
    private var sessions: [String: EngineIOSocket] = [:]
    private var random = SystemRandomNumberGenerator()
    private var handlersToFlushLater: [EngineIOWebSocketHandler] = []
    private var delayedFlushScheduled = false
    /// The loop's one permessage-deflate compressor: with no context
    /// takeover its output does not depend on the recipient, so every
    /// session of the loop shares it (its zlib state is allocated on first use).
    let compressor = PerMessageDeflateCompressor()

    init(index: Int, eventLoop: any EventLoop) {
        self.index = index
        self.eventLoop = eventLoop
    }

    /// Number of sessions open on this loop.
    var count: Int {
        eventLoop.assertInEventLoop()
        return sessions.count
    }

    /// A fresh sid that names this shard and no open session.
    func makeSessionID() -> String {
        eventLoop.assertInEventLoop()
        while true {
            let sid = SessionID.make(shard: index, using: &random)
            if sessions[sid] == nil { return sid }
        }
    }

    func insert(_ socket: EngineIOSocket) {
        eventLoop.assertInEventLoop()
        sessions[socket.id] = socket
    }

    func remove(_ sid: String) {
        eventLoop.assertInEventLoop()
        sessions[sid] = nil
    }

    func session(_ sid: String) -> EngineIOSocket? {
        eventLoop.assertInEventLoop()
        return sessions[sid]
    }

    /// Every open session (a copy; closing them while iterating is fine).
    var allSessions: [EngineIOSocket] {
        eventLoop.assertInEventLoop()
        return Array(sessions.values)
    }

    /// Flushes `handler` after `delay`, together with every handler that
    /// asked for a delayed flush meanwhile: one timer per loop, not per
    /// connection.
    func flushLater(_ handler: EngineIOWebSocketHandler, after delay: TimeAmount) {
        eventLoop.assertInEventLoop()
        handlersToFlushLater.append(handler)
        guard !delayedFlushScheduled else { return }
        delayedFlushScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            delayedFlushScheduled = false
            let handlers = handlersToFlushLater
            handlersToFlushLater.removeAll(keepingCapacity: true)
            for handler in handlers { handler.flushNow() }
        }
    }
}
