import NIOCore
import EngineIOCore
import ZlibCompression
import CMalloc

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
    /// Packets and bytes this loop's sessions received and sent (see
    /// ``EngineIOTraffic``). Added to once per packet: confined to the loop
    /// like everything here, and only ever touched by one statement at a
    /// time, so the runtime's exclusivity check (a call per access) is left out.
    @exclusivity(unchecked) var traffic = EngineIOTraffic()

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
        closedSinceTrim += 1
        if closedSinceTrim >= Self.closesBeforeTrim { scheduleTrim() }
    }

    /// Sessions closed since memory was last handed back.
    private var closedSinceTrim = 0
    private var trimScheduled = false
    /// After this many closes, free memory goes back to the system.
    static let closesBeforeTrim = 4096

    /// Hands freed heap back to the system a second after a wave of
    /// disconnections (glibc keeps freed memory otherwise, so RSS would stay
    /// at its peak after every client left). Once per wave, off the busy
    /// moment; the call itself takes a few milliseconds.
    private func scheduleTrim() {
        guard !trimScheduled else { return }
        trimScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in
            trimScheduled = false
            closedSinceTrim = 0
            _ = malloc_trim(0)
        }
    }

    func session(_ sid: String) -> EngineIOSocket? {
        eventLoop.assertInEventLoop()
        return sessions[sid]
    }

    /// Sessions the server closed that still owe their client their last
    /// packets (see ``EngineIOSessionStateMachine``'s `draining`): found by
    /// sid until the client's next GET, the upgrade in progress, or their
    /// expiry takes them out. Bounded: past `maxDrainingSessions` a closing
    /// session is not kept (its client then sees "Session ID unknown", which
    /// it treats as a closed transport).
    private var draining: [String: EngineIOSocket] = [:]
    static let maxDrainingSessions = 65_536

    /// Keeps a draining session findable; false when the bound is reached.
    func keepDraining(_ socket: EngineIOSocket) -> Bool {
        eventLoop.assertInEventLoop()
        guard draining.count < Self.maxDrainingSessions else { return false }
        draining[socket.id] = socket
        return true
    }

    /// Forgets a session that has drained (or expired).
    func forgetDraining(_ sid: String) {
        eventLoop.assertInEventLoop()
        draining[sid] = nil
    }

    /// The draining session `sid`, if any.
    func drainingSession(_ sid: String) -> EngineIOSocket? {
        eventLoop.assertInEventLoop()
        return draining[sid]
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
