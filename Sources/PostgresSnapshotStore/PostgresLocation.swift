import Foundation
import PostgresNIO
public import SnapshotStore

/// A PostgreSQL database named by a URL, as `--store` takes it:
/// `postgres://user[:password]@host[:port]/database`, or a Unix-socket
/// directory given as libpq does, `postgres://user@/database?host=/run/postgresql`
/// (the socket is `<dir>/.s.PGSQL.<port>`, port 5432 unless given).
/// `postgresql://` is the same. User, password and database are
/// percent-decoded; TLS is not used (the server is expected on a trusted
/// network or a socket).
///
/// ```swift
/// let location = try PostgresLocation(parsing: "postgres://huddle:secret@db.internal/huddle")
/// print(location.description)   // postgres://huddle@db.internal:5432/huddle (no password)
/// ```
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// Where the server listens.
    public enum Endpoint: Sendable, Equatable {
        /// A TCP host and port.
        case tcp(host: String, port: Int)
        /// A Unix-domain socket in `directory` (the file `<directory>/.s.PGSQL.<port>`).
        case socket(directory: String, port: Int)
    }

    /// Where the server listens.
    public var endpoint: Endpoint
    /// The role to log in as.
    public var username: String
    /// Its password, if the server asks for one.
    public var password: String?
    /// The database holding the sessions.
    public var database: String

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func isPostgresURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` URL.
    ///
    /// - Throws: ``SnapshotStoreError/io(_:)`` naming what is wrong (scheme,
    ///   port, missing user or database, an unknown query parameter).
    public init(parsing text: String) throws(SnapshotStoreError) {
        func bad(_ reason: String) -> SnapshotStoreError {
            .io("\(PostgresLocation.redacting(text)): not a usable PostgreSQL URL (\(reason))")
        }
        guard Self.isPostgresURL(text), let schemeEnd = text.range(of: "://") else {
            throw bad("the scheme must be postgres:// or postgresql://")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("no database: postgres://user@host/DATABASE") }
        let authority = rest[..<slash]
        guard let database = rest[rest.index(after: slash)...].removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw bad("no database: postgres://user@host/DATABASE")
        }
        guard let at = authority.lastIndex(of: "@") else { throw bad("no user: postgres://USER@host/database") }
        let userInfo = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        let user: String?
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            user = userInfo[..<colon].removingPercentEncoding
            password = userInfo[userInfo.index(after: colon)...].removingPercentEncoding
        } else {
            user = userInfo.removingPercentEncoding
        }
        guard let user, !user.isEmpty else { throw bad("no user: postgres://USER@host/database") }
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("unclosed [ in the host") }
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw bad("text after the host") }
            hostPort = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else if let colon = hostPort.lastIndex(of: ":") {
            portText = hostPort[hostPort.index(after: colon)...]
            hostPort = hostPort[..<colon]
        }
        let host = hostPort.removingPercentEncoding ?? ""
        var socketDirectory: String?
        for item in query.split(separator: "&") where !item.isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = pair[0].removingPercentEncoding ?? ""
            let value = pair.count > 1 ? pair[1].removingPercentEncoding ?? "" : ""
            switch name {
            case "host":
                guard value.hasPrefix("/") else { throw bad("?host= must be an absolute socket directory") }
                socketDirectory = value
            case "sslmode" where value == "disable":
                continue
            default:
                throw bad("unsupported parameter '\(name)'")
            }
        }
        var port = 5432
        if let portText {
            guard let given = Int(portText), (1...65_535).contains(given) else { throw bad("port '\(portText)' is not a number from 1 to 65535") }
            port = given
        }
        if let socketDirectory {
            guard host.isEmpty || host == "localhost" else { throw bad("give either a host or ?host=/socket/dir, not both") }
            endpoint = .socket(directory: socketDirectory, port: port)
        } else {
            guard !host.isEmpty else { throw bad("no host: postgres://user@HOST/database, or ?host=/socket/dir") }
            endpoint = .tcp(host: host, port: port)
        }
        username = user
        self.password = password
        self.database = database
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port):
            return "postgres://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        case .socket(let directory, let port):
            return "postgres://\(username)@\(port == 5432 ? "" : ":\(port)")/\(database)?host=\(directory)"
        }
    }

    /// postgres-nio's configuration for this location.
    var configuration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
        case .socket(let directory, let port):
            configuration = .init(unixSocketPath: directory + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// `text` with any password replaced by `***` (for a URL that did not parse).
    static func redacting(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
