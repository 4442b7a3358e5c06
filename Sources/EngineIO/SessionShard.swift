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

    /// Last answers of polling sessions the server closed while no GET was
    /// held: the next GET for the sid gets it (queued packets, then the
    /// close packet), once. Bounded in time (each expires) and in count
    /// (beyond `maxClosingAnswers` the oldest is dropped; its client then
    /// sees "Session ID unknown", which it treats as a closed transport).
    private var closingAnswers: [String: (payload: ByteBuffer, expires: NIODeadline)] = [:]
    static let maxClosingAnswers = 65_536

    func keepClosingAnswer(_ payload: ByteBuffer, for sid: String, for lifetime: TimeAmount) {
        eventLoop.assertInEventLoop()
        let now = eventLoop.now
        if closingAnswers.count >= Self.maxClosingAnswers {
            closingAnswers = closingAnswers.filter { $0.value.expires > now }
            if closingAnswers.count >= Self.maxClosingAnswers, let oldest = closingAnswers.min(by: { $0.value.expires < $1.value.expires }) {
                closingAnswers[oldest.key] = nil
            }
        }
        closingAnswers[sid] = (payload, now + lifetime)
    }

    /// The closing answer kept for `sid`, removed; nil when none or expired.
    func takeClosingAnswer(for sid: String) -> ByteBuffer? {
        eventLoop.assertInEventLoop()
        guard let entry = closingAnswers.removeValue(forKey: sid), entry.expires > eventLoop.now else { return nil }
        return entry.payload
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
