import NIOCore
import NIOPosix
import Logging
import SocketIO
import SocketIOCore
import Synchronization

/// The admin namespace's middleware for basic authentication (upstream's
/// `initAuthenticationMiddleware`): a known session id is let in; else the
/// username must match and the password verify against the bcrypt hash
/// (on the thread pool, never on the loop); anything else, a missing or
/// non-string password included, is refused with "invalid credentials".
///
/// Bounded: at most ``maxPendingChecks`` password checks wait for or run on
/// the thread pool at once; a login beyond that is refused at once (as
/// invalid credentials, logged), so a flood of logins cannot queue
/// unbounded bcrypt work.
struct AdminAuthentication: Sendable {
    let username: String
    let passwordHash: String
    let sessions: any AdminSessionStorage
    let threadPool: NIOThreadPool
    let logger: Logger
    private let pending = PendingChecks()

    static let maxPendingChecks = 32

    init(username: String, passwordHash: String, sessions: any AdminSessionStorage, threadPool: NIOThreadPool, logger: Logger) {
        self.username = username
        self.passwordHash = passwordHash
        self.sessions = sessions
        self.threadPool = threadPool
        self.logger = logger
    }

    /// What the dashboard gets when refused.
    static let refusal = SocketIOConnectError("invalid credentials")

    /// The middleware.
    var middleware: SocketIOMiddleware {
        { socket, next in check(socket, next) }
    }

    private func check(_ socket: SocketIOSocket, _ next: @escaping (SocketIOConnectError?) -> Void) {
        guard case .string(let sessionId)? = socket.handshake.auth["sessionId"], !sessionId.isEmpty else {
            return checkPassword(socket, next)
        }
        sessions.contains(sessionId, on: socket.eventLoop).assumeIsolated().whenComplete { [self] result in
            if case .success(true) = result { return next(nil) }
            checkPassword(socket, next)
        }
    }

    private func checkPassword(_ socket: SocketIOSocket, _ next: @escaping (SocketIOConnectError?) -> Void) {
        let auth = socket.handshake.auth
        guard case .string(let name)? = auth["username"], name == username,
              case .string(let password)? = auth["password"] else {
            return next(Self.refusal)
        }
        guard pending.enter(limit: Self.maxPendingChecks) else {
            logger.warning("Admin UI login refused: \(Self.maxPendingChecks) password checks already pending")
            return next(Self.refusal)
        }
        let hash = passwordHash
        let sessions = self.sessions
        let pending = self.pending
        threadPool.runIfActive(eventLoop: socket.eventLoop) {
            Bcrypt.verify(password, against: hash)
        }.assumeIsolated().whenComplete { result in
            pending.leave()
            guard case .success(true) = result else { return next(Self.refusal) }
            let sessionId = AdminSessionID.make()
            sessions.save(sessionId)
            socket.attachment = AdminLogin(sessionId: sessionId)
            next(nil)
        }
    }
}

/// The password checks under way (one atomic add per login, never per packet).
final class PendingChecks: Sendable {
    private let count = Atomic<Int>(0)

    /// One more, unless `limit` are under way already.
    func enter(limit: Int) -> Bool {
        if count.add(1, ordering: .relaxed).newValue > limit {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { count.subtract(1, ordering: .relaxed) }
}

/// A dashboard that logged in with the password: its new session id, sent
/// to it once its CONNECT is out (see ``AdminUI``).
final class AdminLogin {
    let sessionId: String

    init(sessionId: String) {
        self.sessionId = sessionId
    }
}
