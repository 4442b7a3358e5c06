import NIOCore

// `try await socket.connect()`: join the namespace and wait for the outcome.

extension Socket {
    /// Joins the namespace and returns once the server admitted the socket;
    /// returns at once when it already is connected.
    ///
    /// ```swift
    /// let socket = try io("https://chat.example.com", options: options)
    /// do {
    ///     try await socket.connect(timeout: .seconds(10))
    /// } catch let error as SocketIOClientError where error.code == .refused {
    ///     socket.auth = ["token": "a fresh token"]
    ///     try await socket.connect()
    /// }
    /// ```
    ///
    /// It throws at the first `connect_error` of the attempt, as
    /// ``onConnectError(_:)`` would see it. After a refusal (`refused`,
    /// `authFailed`) the socket stays disconnected until the next
    /// `connect()`; after a connection failure (`connectionFailed`,
    /// `connectTimeout`, `tlsFailed`) the manager keeps reconnecting as its
    /// options say (call ``disconnect()`` to stop it), and a new `connect()`
    /// waits for the next attempt.
    ///
    /// - Parameter timeout: how long to wait at most (nil: until the
    ///   outcome; the manager's `timeout` bounds each handshake). The
    ///   attempt itself goes on after this timeout.
    /// - Throws: ``SocketIOClientError`` (`connectTimeout` when `timeout`
    ///   passed first, `disconnected` when ``disconnect()`` or
    ///   `manager.close()` was called meanwhile, `connectionFailed` when the
    ///   connection was lost and `reconnection` is off), or
    ///   `CancellationError` when the task was cancelled.
    public func connect(timeout: Duration? = nil) async throws {
        let promise = core.eventLoop.makePromise(of: Void.self)
        let waiter = ConnectWaiterHandle(core: core)
        let amount = timeout.map(TimeAmount.init)
        core.run { core in
            waiter.id.value = core.waitForConnection(promise: promise, timeout: amount)
        }
        try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            waiter.cancel()
        }
    }
}

/// Lets a cancelled `connect()` find its wait on the loop.
private struct ConnectWaiterHandle: Sendable {
    let core: LoopConfined<SocketCore>
    let id: NIOLoopBoundBox<UInt64?>

    init(core: LoopConfined<SocketCore>) {
        self.core = core
        self.id = NIOLoopBoundBox.makeEmptyBox(valueType: UInt64.self, eventLoop: core.eventLoop)
    }

    func cancel() {
        let id = self.id
        core.run { core in
            guard let waiting = id.value else { return }
            core.endWait(waiting, with: .failure(CancellationError()))
        }
    }
}

/// A caller of `connect()` waiting for the outcome.
struct ConnectWaiter {
    let promise: EventLoopPromise<Void>
    var timer: Scheduled<Void>?
}

extension SocketCore {
    /// Connects and registers a wait for the outcome; returns its id, or
    /// nil when the promise was completed at once (already connected).
    func waitForConnection(promise: EventLoopPromise<Void>, timeout: TimeAmount?) -> UInt64? {
        if isConnected {
            promise.succeed()
            return nil
        }
        let id = nextWaiterID
        nextWaiterID &+= 1
        var waiter = ConnectWaiter(promise: promise)
        if let timeout {
            waiter.timer = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                endWait(id, with: .failure(SocketIOClientError(code: .connectTimeout, message: "timeout")))
            }
        }
        connectWaiters[id] = waiter
        // An attempt already under way (handshake, CONNECT sent, auth
        // provider running, reconnection timer) is waited for, not doubled:
        // a second CONNECT for the namespace would confuse the server.
        let attemptUnderWay = isActive && manager.map { $0.readyState != .closed || $0.isReconnecting } == true
        if !attemptUnderWay { connect() }
        return id
    }

    /// Ends one wait (timeout, cancellation).
    func endWait(_ id: UInt64, with result: Result<Void, any Error>) {
        guard let waiter = connectWaiters.removeValue(forKey: id) else { return }
        waiter.timer?.cancel()
        waiter.promise.completeWith(result)
    }

    /// Ends every wait with the outcome of the attempt.
    func resolveConnectWaiters(_ result: Result<Void, SocketIOClientError>) {
        guard !connectWaiters.isEmpty else { return }
        let waiters = connectWaiters
        connectWaiters.removeAll()
        for (_, waiter) in waiters.sorted(by: { $0.key < $1.key }) {
            waiter.timer?.cancel()
            waiter.promise.completeWith(result.mapError { $0 as any Error })
        }
    }
}
