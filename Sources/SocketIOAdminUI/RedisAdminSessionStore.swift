public import RedisClient
public import NIOCore
public import Logging

/// Login sessions in Redis, shared by every server of a cluster (upstream's
/// `RedisStore`, same keys: `socket.io-admin#<sessionId>` = "1", expiring
/// after a day), so a dashboard re-connecting to any server keeps its login.
/// When Redis cannot be reached, a re-connect falls back to the password.
///
/// ```swift
/// let redis = RedisConnection(configuration: RedisConfiguration(host: "127.0.0.1", port: 6379), eventLoop: group.next())
/// options.sessions = RedisAdminSessionStore(connection: redis)
/// ```
public final class RedisAdminSessionStore: AdminSessionStorage {
    /// The connection the keys are written and read through.
    public let connection: RedisConnection
    /// How long a session is kept, in seconds (a day, as upstream).
    public let expirySeconds: Int
    private let logger: Logger

    /// A store on `connection`.
    ///
    /// ```swift
    /// let store = RedisAdminSessionStore(connection: redis, expirySeconds: 3600)
    /// ```
    public init(connection: RedisConnection, expirySeconds: Int = 86_400, logger: Logger = Logger(label: "huddle.admin-ui")) {
        self.connection = connection
        self.expirySeconds = expirySeconds
        self.logger = logger
    }

    /// Upstream's key for a session id.
    static func key(_ id: String) -> String { "socket.io-admin#" + id }

    /// Keeps `id` for ``expirySeconds`` (written in the background; a failure is logged).
    ///
    /// ```swift
    /// store.save("feedfacecafebeef")
    /// ```
    public func save(_ id: String) {
        let logger = self.logger
        connection.send("SET", [RedisArgument(Self.key(id)), "1", "EX", RedisArgument(expirySeconds)]).whenFailure { error in
            logger.warning("Admin UI session not saved in Redis: \(error)")
        }
    }

    /// Whether Redis holds `id` (false when Redis cannot answer).
    ///
    /// ```swift
    /// store.contains(id, on: loop).whenSuccess { known in print(known) }
    /// ```
    public func contains(_ id: String, on loop: any EventLoop) -> EventLoopFuture<Bool> {
        connection.send("EXISTS", [RedisArgument(Self.key(id))])
            .map { reply in reply == .integer(1) }
            .recover { _ in false }
            .hop(to: loop)
    }
}
