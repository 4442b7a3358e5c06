import NIOCore

/// The deadlines of one event loop's connections that have no session yet
/// (see ``HTTPServerLimits``), checked by one sweep per loop instead of a
/// timer per connection (cancelling a NIO timer scans the loop's timer
/// queue; a connection changes stage on every request).
///
/// Confined to its loop: every method runs there.
final class ConnectionDeadlines: @unchecked Sendable {
    let eventLoop: any EventLoop
    let limits: HTTPServerLimits
    private var watched: [ObjectIdentifier: ConnectionWatch] = [:]
    private var sweep: Scheduled<Void>?
    private var running = false

    init(eventLoop: any EventLoop, limits: HTTPServerLimits) {
        self.eventLoop = eventLoop
        self.limits = limits
    }

    /// Starts the sweep.
    func start() {
        eventLoop.execute { [self] in
            running = true
            scheduleSweep()
        }
    }

    /// Stops the sweep (the server stops accepting).
    func stop() {
        eventLoop.execute { [self] in
            running = false
            sweep?.cancel()
            sweep = nil
        }
    }

    private func scheduleSweep() {
        guard running else { return }
        sweep = eventLoop.assumeIsolated().scheduleTask(in: limits.sweepInterval) { [self] in
            expire(now: eventLoop.now)
            scheduleSweep()
        }
    }

    /// A connection starts being watched (or changes its deadline).
    func watch(_ connection: ConnectionWatch) {
        eventLoop.assertInEventLoop()
        watched[ObjectIdentifier(connection)] = connection
    }

    /// A connection needs no watching any more (closed, or a session took it).
    func forget(_ connection: ConnectionWatch) {
        eventLoop.assertInEventLoop()
        watched[ObjectIdentifier(connection)] = nil
    }

    /// The number of connections watched (for tests).
    var count: Int { watched.count }

    /// Ends every connection whose deadline has passed.
    func expire(now: NIODeadline) {
        guard !watched.isEmpty else { return }
        var expired: [ConnectionWatch] = []
        for connection in watched.values {
            if let deadline = connection.deadline, deadline <= now { expired.append(connection) }
        }
        for connection in expired {
            watched[ObjectIdentifier(connection)] = nil
            connection.expire()
        }
    }
}

/// One connection's current stage and deadline, shared by the handlers that
/// serve it before it has a session. Used on the connection's loop only.
final class ConnectionWatch {
    /// What the connection is doing, which says what its deadline means.
    enum Stage {
        /// Waiting for a request's line and headers (a new connection, or
        /// one whose next request has started).
        case head
        /// Receiving a request's body.
        case body
        /// A request is being answered (a held poll): the session's own
        /// bounds apply.
        case answering
        /// Idle between two requests.
        case idle
    }

    private let deadlines: ConnectionDeadlines
    private(set) var stage = Stage.head
    private(set) var deadline: NIODeadline?
    /// When the request in progress started (its first byte).
    private var requestStart: NIODeadline
    /// The handler that ends the connection at its deadline: with a 408
    /// while a request is in progress, or silently when idle. A handler,
    /// not a closure: a closure would cost an allocation per connection.
    /// Held strongly and let go when the watch stops or expires (the
    /// handler holds the watch too).
    var owner: (any ConnectionWatchOwner)?

    init(deadlines: ConnectionDeadlines) {
        self.deadlines = deadlines
        let now = deadlines.eventLoop.now
        self.requestStart = now
        self.deadline = now + deadlines.limits.headersTimeout
        deadlines.watch(self)
    }

    /// Bytes arrived: an idle connection starts its next request.
    func bytesArrived() {
        guard stage == .idle else { return }
        stage = .head
        requestStart = deadlines.eventLoop.now
        deadline = requestStart + deadlines.limits.headersTimeout
    }

    /// The request's line and headers are complete; its body follows.
    func headReceived() {
        stage = .body
        deadline = requestStart + deadlines.limits.requestTimeout
    }

    /// The whole request is in; the answer may take as long as the session says.
    func requestReceived() {
        stage = .answering
        deadline = nil
    }

    /// The answer went out; the connection waits for the next request.
    func responded() {
        stage = .idle
        deadline = deadlines.eventLoop.now + deadlines.limits.keepAliveTimeout
    }

    /// The connection closed, or a session took it (a WebSocket).
    func stopWatching() {
        deadline = nil
        owner = nil
        deadlines.forget(self)
    }

    fileprivate func expire() {
        let inProgress = stage == .head || stage == .body
        let owner = self.owner
        self.owner = nil
        deadline = nil
        owner?.connectionExpired(requestInProgress: inProgress)
    }
}

/// What ends a connection whose deadline passed (the handler serving it).
protocol ConnectionWatchOwner: AnyObject {
    /// The deadline passed: answer 408 and close when a request is in
    /// progress, close when idle.
    func connectionExpired(requestInProgress: Bool)
}
