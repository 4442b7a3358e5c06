import NIOCore
import NIOPosix
import SocketIO
import SocketIOCore

/// The admin namespace's middleware for basic authentication (upstream's
/// `initAuthenticationMiddleware`): a known session id is let in; else the
/// username must match and the password verify against the bcrypt hash
/// (on the thread pool, never on the loop); anything else, a missing or
/// non-string password included, is refused with "invalid credentials".
struct AdminAuthentication: Sendable {
    let username: String
    let passwordHash: String
    let sessions: AdminSessionStore
    let threadPool: NIOThreadPool

    /// What the dashboard gets when refused.
    static let refusal = SocketIOConnectError("invalid credentials")

    /// The middleware.
    var middleware: SocketIOMiddleware {
        { socket, next in check(socket, next) }
    }

    private func check(_ socket: SocketIOSocket, _ next: @escaping (SocketIOConnectError?) -> Void) {
        let auth = socket.handshake.auth
        if case .string(let sessionId)? = auth["sessionId"], sessions.contains(sessionId) {
            return next(nil)
        }
        guard case .string(let name)? = auth["username"], name == username,
              case .string(let password)? = auth["password"] else {
            return next(Self.refusal)
        }
        let hash = passwordHash
        let sessions = self.sessions
        threadPool.runIfActive(eventLoop: socket.eventLoop) {
            Bcrypt.verify(password, against: hash)
        }.assumeIsolated().whenComplete { result in
            guard case .success(true) = result else { return next(Self.refusal) }
            socket.attachment = AdminLogin(sessionId: sessions.create())
            next(nil)
        }
    }
}

/// A dashboard that logged in with the password: its new session id, sent
/// to it once its CONNECT is out (see ``AdminUI``).
final class AdminLogin {
    let sessionId: String

    init(sessionId: String) {
        self.sessionId = sessionId
    }
}
