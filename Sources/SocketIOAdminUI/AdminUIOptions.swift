/// How the Admin UI instrumentation behaves: upstream `instrument(io, options)`'s options.
///
/// ```swift
/// var options = AdminUIOptions(auth: .basic(username: "admin", passwordHash: "$2b$10$..."))
/// options.mode = .production
/// options.readonly = true
/// ```
public struct AdminUIOptions: Sendable {
    /// Who may connect to the admin namespace.
    ///
    /// ```swift
    /// let auth = AdminUIOptions.Authentication.basic(username: "admin", passwordHash: try Bcrypt.hash("s3cret"))
    /// ```
    public enum Authentication: Sendable, Hashable {
        /// Anyone (upstream `auth: false`): use with care.
        case none
        /// A username and the bcrypt hash (`$2a$`, `$2b$`, `$2y$`) of the password.
        case basic(username: String, passwordHash: String)
    }

    /// What the dashboard is sent.
    ///
    /// ```swift
    /// options.mode = AdminUIOptions.Mode(rawValue: "production") ?? .development
    /// ```
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Every socket, room and event, as they happen (`ALL_EVENTS`).
        case development
        /// Server stats only (aggregated events, namespaces, client counts).
        case production
    }

    /// Who may connect (mandatory, as upstream: there is no default).
    public var auth: Authentication
    /// The admin namespace (`/admin`).
    public var namespaceName: String = "/admin"
    /// True: the dashboard can look, not act (no emit, join, leave, disconnect).
    public var readonly: Bool = false
    /// This server's id in the dashboard (the host name by default); the
    /// dashboard groups servers of a cluster by it.
    public var serverId: String?
    /// What the dashboard is sent (development by default, as upstream
    /// without `NODE_ENV`).
    public var mode: Mode = .development
    /// Where login sessions are kept (the dashboard re-connects with its
    /// session id instead of the password).
    public var sessions: any AdminSessionStorage = AdminSessionStore()
    /// How often `server_stats` is sent (2 s, as upstream).
    public var statsInterval: Duration = .seconds(2)

    /// Options with this authentication and upstream's defaults for the rest.
    ///
    /// ```swift
    /// let options = AdminUIOptions(auth: .none)
    /// ```
    public init(auth: Authentication) {
        self.auth = auth
    }
}
