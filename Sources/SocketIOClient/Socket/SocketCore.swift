import DequeModule
import Logging
import NIOCore
import SocketIOCore

/// The state of one namespace socket, confined to its manager's event loop;
/// the public ``Socket`` is a `Sendable` handle that hops here.
///
/// Lifecycle (the JavaScript client's): `connect()` makes the socket
/// *active* (it follows the manager: each time the manager opens, it sends
/// CONNECT); the server's CONNECT answer makes it *connected*; a
/// disconnection by either side makes it inactive, a lost connection does
/// not (the socket reconnects with the manager).
///
/// The manager owns its sockets; a socket's reference back is weak, because
/// a socket can outlive its manager (a queued call or an `Acknowledgement`
/// still holding it after the application dropped both): every operation
/// then does nothing.
final class SocketCore {
    private(set) weak var manager: ManagerCore?
    let loop: any EventLoop
    let logger: Logger
    let bufferLimit: Int
    let namespace: String
    let options: SocketOptions
    let status: StatusBox<SocketStatus>

    private(set) var isActive = false
    private(set) var isConnected = false
    /// Bumped at every connection and disconnection; acks made for an
    /// earlier session are not sent.
    private(set) var sessionGeneration: UInt64 = 0
    var recovery = RecoveryState()

    /// Emits made while not connected, sent on connection (bounded).
    var sendBuffer = Deque<BufferedPacket>()
    /// Events received before the CONNECT answer (bounded).
    var receiveBuffer = Deque<SocketIOPacket>()
    var acks: [UInt64: PendingAck] = [:]
    var nextAckID: UInt64 = 0
    var retryQueue: RetryQueue
    /// The callers' acks of queued emits, by queue sequence number.
    var queuedAcks: [UInt64: AckHandler] = [:]
    var listeners = SocketListeners()

    /// The auth provider running for the current CONNECT, cancelled when
    /// the socket disconnects or the connection closes.
    private var authTask: Task<Void, Never>?
    private var connectAttempt: UInt64 = 0
    /// Callers of `try await socket.connect()`, by id, told of the next
    /// outcome (see Socket+Connect).
    var connectWaiters: [UInt64: ConnectWaiter] = [:]
    var nextWaiterID: UInt64 = 0

    init(manager: ManagerCore, namespace: String, options: SocketOptions, status: StatusBox<SocketStatus>) {
        self.manager = manager
        self.loop = manager.loop
        self.logger = manager.logger
        self.bufferLimit = manager.options.maxBufferedPackets
        self.namespace = namespace
        self.options = options
        self.status = status
        self.retryQueue = RetryQueue(capacity: manager.options.maxBufferedPackets)
    }

    // MARK: - Connecting

    /// `socket.connect()`: follow the manager, opening it if needed.
    func connect() {
        guard !isConnected, let manager else { return }
        if !isActive {
            isActive = true
            publishStatus()
        }
        if !manager.isReconnecting { manager.open() }
        if manager.readyState == .open { managerDidOpen() }
    }

    /// The manager's connection is open: ask to join the namespace.
    func managerDidOpen() {
        guard isActive, !isConnected else { return }
        connectAttempt &+= 1
        authTask?.cancel()
        authTask = nil
        switch status.value.auth {
        case nil:
            sendConnect(auth: nil)
        case .object(let object)?:
            sendConnect(auth: object)
        case .provider(let provider)?:
            let attempt = connectAttempt
            let core = NIOLoopBound(self, eventLoop: loop)
            let loop = self.loop
            authTask = Task {
                let result: Result<JSONObject, any Error>
                do {
                    result = .success(try await provider())
                } catch {
                    result = .failure(error)
                }
                guard !Task.isCancelled else { return }
                loop.execute {
                    core.value.authResolved(result.mapError { AuthProviderFailure(message: "\($0)") }, attempt: attempt)
                }
            }
        }
    }

    private func authResolved(_ result: Result<JSONObject, AuthProviderFailure>, attempt: UInt64) {
        guard attempt == connectAttempt, isActive, !isConnected, manager?.readyState == .open else { return }
        authTask = nil
        switch result {
        case .success(let auth):
            sendConnect(auth: auth)
        case .failure(let failure):
            destroy()
            reportConnectError(SocketIOClientError(code: .authFailed, message: failure.message))
        }
    }

    private func sendConnect(auth: JSONObject?) {
        manager?.send(.connect(namespace: namespace, data: recovery.connectPayload(auth: auth)), compress: true)
    }

    /// The server admitted the socket.
    func onConnect(id: String, pid: String?) {
        let recovered = recovery.connected(pid: pid)
        isConnected = true
        sessionGeneration &+= 1
        status.update {
            $0.id = id
            $0.isConnected = true
            $0.recovered = recovered
        }
        logger.debug("socket connected", metadata: ["nsp": "\(namespace)", "id": "\(id)", "recovered": "\(recovered)"])
        emitBuffered()
        resolveConnectWaiters(.success(()))
        listeners.connect.dequeueForFiring().callListeners(with: ())
        publish(.connect(recovered: recovered))
        drainQueue(force: true)
    }

    // MARK: - Disconnecting

    /// `socket.disconnect()`.
    func disconnect() {
        let wasConnected = isConnected
        if wasConnected { manager?.send(.disconnect(namespace: namespace), compress: true) }
        destroy()
        if wasConnected { onClose(.ioClientDisconnect) }
        resolveConnectWaiters(.failure(.socketDisconnected))
        finishStreams()
    }

    /// Stops following the manager (after a client or server disconnection,
    /// or a refusal); the manager closes when no socket is active.
    func destroy() {
        authTask?.cancel()
        authTask = nil
        guard isActive else { return }
        isActive = false
        publishStatus()
        manager?.socketBecameInactive(self)
    }

    /// The manager's connection closed.
    func managerDidClose(_ reason: ManagerCloseReason) {
        authTask?.cancel()
        authTask = nil
        onClose(SocketDisconnectReason(reason))
        // No attempt follows a close by the client, or any close without
        // reconnection: a waiting connect() must not wait for one.
        if reason == .forcedClose {
            resolveConnectWaiters(.failure(.socketDisconnected))
        } else if manager?.options.reconnection == false {
            resolveConnectWaiters(.failure(SocketIOClientError(code: .connectionFailed, message: reason.rawValue)))
        }
    }

    /// The manager could not open (or its connection failed).
    func managerDidFail(_ error: SocketIOClientError) {
        guard isActive, !isConnected else { return }
        reportConnectError(error)
    }

    /// Leaves the connected state with `reason`.
    func onClose(_ reason: SocketDisconnectReason) {
        let wasConnected = isConnected
        isConnected = false
        if wasConnected { sessionGeneration &+= 1 }
        status.update {
            $0.id = nil
            $0.isConnected = false
        }
        if wasConnected {
            logger.debug("socket disconnected", metadata: ["nsp": "\(namespace)", "reason": "\(reason.rawValue)"])
            listeners.disconnect.dequeueForFiring().callListeners(with: reason)
            publish(.disconnect(reason))
        }
        clearAcks()
    }

    func reportConnectError(_ error: SocketIOClientError) {
        logger.debug("socket connect_error", metadata: ["nsp": "\(namespace)", "error": "\(error)"])
        resolveConnectWaiters(.failure(error))
        listeners.connectError.dequeueForFiring().callListeners(with: error)
        publish(.connectError(error))
    }

    // MARK: - Status and streams

    private func publishStatus() {
        let active = isActive
        status.update { $0.isActive = active }
    }

    /// Hands an activity to every stream; a stream whose buffer is full
    /// drops it (the newest) and the loss is logged.
    func publish(_ activity: SocketActivity) {
        guard !listeners.streams.isEmpty else { return }
        let streams = listeners.streams
        for (_, continuation) in streams {
            if case .dropped = continuation.yield(activity) {
                logger.warning("socket activity stream full; dropped the newest element", metadata: ["nsp": "\(namespace)"])
            }
        }
    }

    /// Ends every stream (after the client disconnected the socket).
    func finishStreams() {
        let streams = listeners.streams
        listeners.streams.removeAll()
        for (_, continuation) in streams { continuation.finish() }
    }
}

/// What any thread may read about a socket without hopping, and the one
/// setting any thread may change (`auth`, read by the core at each CONNECT).
struct SocketStatus: Sendable {
    var id: String?
    var isConnected = false
    var isActive = false
    var recovered = false
    var auth: SocketAuth?
}

/// What an auth provider threw, as text (errors need not be `Sendable`).
private struct AuthProviderFailure: Error {
    let message: String
}
