import ArgumentParser
import Logging
import SocketIO
import SocketIOAdminUI

/// `--admin-password P`: instruments `huddle serve` for the Socket.IO Admin
/// UI (docs/admin-ui.md): namespace `/admin`, basic auth with
/// `--admin-user` and the password (a bcrypt hash, or a plain password
/// hashed at startup), `--admin-mode`, `--admin-readonly`, `--server-id`.
/// The dashboard's page is of another origin: allow it with `--cors-origin`.
///
/// ```text
/// huddle serve --admin-password '$2b$10$...' --cors-origin https://admin.socket.io
/// ```
struct AdminOptions: ParsableArguments {
    @Option(help: "Instrument for the Socket.IO Admin UI (namespace /admin) with this password: a bcrypt hash ($2a$/$2b$/$2y$), or a plain password hashed at startup.")
    var adminPassword: String?
    @Option(help: "The Admin UI's username (with --admin-password).") var adminUser = "admin"
    @Option(help: "The Admin UI's mode (with --admin-password): development (every socket, room and event) or production (stats only).")
    var adminMode = "development"
    @Flag(help: "The Admin UI may look but not act (no emit, join, leave, disconnect).") var adminReadonly = false
    @Option(help: "This server's id in the Admin UI (default: the host name).") var serverId: String?

    func validate() throws {
        guard AdminUIOptions.Mode(rawValue: adminMode) != nil else {
            throw ValidationError("--admin-mode must be development or production")
        }
    }

    /// Instruments `io` when `--admin-password` is given.
    func instrument(_ io: SocketIOServer, logger: Logger) throws {
        guard let adminPassword else { return }
        let hash = Bcrypt.isHash(adminPassword) ? adminPassword : try Bcrypt.hash(adminPassword, cost: 10)
        var options = AdminUIOptions(auth: .basic(username: adminUser, passwordHash: hash))
        options.mode = AdminUIOptions.Mode(rawValue: adminMode) ?? .development
        options.readonly = adminReadonly
        options.serverId = serverId
        try AdminUI.instrument(io, options, logger: logger)
    }
}
