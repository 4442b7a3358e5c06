public import SocketIO
import SocketIOCore
import SocketIOAdapter
import EngineIO
import NIOCore
import NIOPosix
public import Logging

/// The Socket.IO Admin UI (`@socket.io/admin-ui` 0.5.x) for a Huddle
/// server: what upstream's `instrument(io, options)` does, so that the
/// dashboard (admin.socket.io, or its built `ui/dist`) connects to this
/// server and shows and acts on it as on Node. See docs/admin-ui.md.
///
/// ```swift
/// let io = SocketIOServer(group: group)
/// let admin = try AdminUI.instrument(io, AdminUIOptions(
///     auth: .basic(username: "admin", passwordHash: try Bcrypt.hash("s3cret"))
/// ))
/// // ... later, to stop sending stats:
/// admin.stop()
/// ```
public enum AdminUI {
    /// Instruments `server`: creates the admin namespace with its
    /// authentication, the dashboard's commands (unless readonly), the
    /// stats every 2 s, and in development mode the report of every
    /// socket, room and event. Once per server.
    ///
    /// ```swift
    /// try AdminUI.instrument(io, AdminUIOptions(auth: .none))
    /// ```
    @discardableResult
    public static func instrument(
        _ server: SocketIOServer,
        _ options: AdminUIOptions,
        logger: Logger = Logger(label: "huddle.admin-ui")
    ) throws(AdminUIError) -> AdminInstrumentation {
        guard options.namespaceName.hasPrefix("/") else { throw .invalidNamespaceName(options.namespaceName) }
        if case .basic(_, let hash) = options.auth, !Bcrypt.isHash(hash) { throw .invalidPasswordHash }

        let engineStats = EngineStatsObserver(loops: server.engine.eventLoops)
        do {
            try server.engine.install(observer: engineStats)
        } catch {
            throw .alreadyInstrumented
        }
        let admin = server.of(options.namespaceName)
        if options.mode == .development {
            do {
                try server.install(observer: AdminEventReporter(admin: admin))
            } catch {
                throw .alreadyInstrumented
            }
        }

        if case .basic(let username, let hash) = options.auth {
            let authentication = AdminAuthentication(
                username: username, passwordHash: hash, sessions: options.sessions, threadPool: .singleton, logger: logger
            )
            admin.use(authentication.middleware)
        } else {
            logger.warning("Admin UI authentication is disabled: anyone can connect to \(options.namespaceName)")
        }

        let features = supportedFeatures(readonly: options.readonly, mode: options.mode)
        let development = options.mode == .development
        let readonly = options.readonly
        admin.onConnection { socket in
            if !readonly { AdminCommands.register(on: socket, server: server) }
            if let login = socket.attachment as? AdminLogin {
                // After the CONNECT packet, so the dashboard keeps it (it
                // listens for `session` from its connect handler).
                socket.emit("session", .string(login.sessionId))
                socket.attachment = nil
            }
            socket.emit("config", .object(["supportedFeatures": .array(features.map { .string($0) })]))
            if development { sendAllSockets(to: socket, server: server) }
        }

        let stats = AdminStatsEmitter(server: server, admin: admin, engineStats: engineStats, serverId: options.serverId)
        stats.start(every: options.statsInterval)
        logger.info("Admin UI instrumentation on \(options.namespaceName) (\(options.mode.rawValue)\(readonly ? ", readonly" : ""))")
        return AdminInstrumentation(stats: stats)
    }

    /// The dashboard's feature list (upstream's order).
    static func supportedFeatures(readonly: Bool, mode: AdminUIOptions.Mode) -> [String] {
        var features = readonly ? [] : ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"]
        features.append("AGGREGATED_EVENTS")
        if mode == .development { features.append("ALL_EVENTS") }
        return features
    }

    /// `all_sockets`: every socket of every namespace, cluster-wide
    /// (each namespace's adapter fetches them), sent to this socket on its loop.
    static func sendAllSockets(to socket: SocketIOSocket, server: SocketIOServer) {
        let loop = socket.eventLoop
        let fetches = server.namespaceNames.map { name in
            let namespace = server.of(name)
            return namespace.adapter.fetchSockets(BroadcastOptions(), on: loop).map { snapshots in
                snapshots.map { AdminSerialization.socket($0, namespace: name) }
            }
        }
        EventLoopFuture.whenAllComplete(fetches, on: loop).assumeIsolated().whenSuccess { results in
            var all: [JSONValue] = []
            for case .success(let sockets) in results { all += sockets }
            socket.emit("all_sockets", .array(all))
        }
    }
}

/// A running instrumentation (what ``AdminUI/instrument(_:_:logger:)`` returns).
///
/// ```swift
/// let admin = try AdminUI.instrument(io, options)
/// admin.stop()   // no more server_stats from this server
/// ```
public final class AdminInstrumentation: Sendable {
    private let stats: AdminStatsEmitter

    init(stats: AdminStatsEmitter) {
        self.stats = stats
    }

    /// Stops sending `server_stats` (the namespace, its sockets and the
    /// observers stay: a server is instrumented for its lifetime).
    ///
    /// ```swift
    /// admin.stop()
    /// ```
    public func stop() {
        stats.stop()
    }
}
