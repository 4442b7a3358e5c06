public import NIOCore
import Glibc

/// How long each stage of an HTTP connection may take before a session
/// exists, and how many connections the process serves at once: what keeps a
/// few thousand slow or silent sockets (slowloris) from holding every file
/// descriptor while real users are refused. The defaults are Node.js's HTTP
/// server's.
///
/// What happens at each limit:
/// - `headersTimeout`: a request whose line and headers are not complete in
///   time (counted from its first byte, or from the accept for a new
///   connection, which covers a socket that sends nothing) gets
///   `408 Request Timeout` and its connection is closed;
/// - `requestTimeout`: a request whose body (a polling POST) is not complete
///   in time, counted from its first byte, gets `408` and the connection is
///   closed;
/// - `keepAliveTimeout`: a connection idle between two requests is closed
///   (no answer: there is no request to answer);
/// - `maxConnections`: a connection accepted beyond it gets
///   `503 Service Unavailable` at once and is closed, so the process always
///   keeps descriptors to serve the connections it has (and to open its
///   files); the listener itself backs off when the system refuses an accept.
/// Later stages have their own bounds: an Engine.IO session its heartbeat
/// (pingInterval + pingTimeout), a WebSocket probe the upgrade timeout, a
/// Socket.IO connection its connect timeout.
///
/// Deadlines are checked by one sweep per event loop (at a quarter of the
/// shortest timeout, at most once a second): no timer per connection.
///
/// ```swift
/// var limits = HTTPServerLimits()
/// limits.headersTimeout = .seconds(10)
/// let http = try await HTTPServer.start(host: "0.0.0.0", port: 3000, endpoints: [engine], group: group, limits: limits)
/// ```
public struct HTTPServerLimits: Sendable, Hashable {
    /// Time for a request's line and headers (Node: 60 s).
    public var headersTimeout: TimeAmount = .seconds(60)
    /// Time for a whole request, body included (Node: 300 s).
    public var requestTimeout: TimeAmount = .seconds(300)
    /// Time a connection may sit idle between requests (Node: 5 s).
    public var keepAliveTimeout: TimeAmount = .seconds(5)
    /// Connections open at once; nil: the process's descriptor limit less a
    /// reserve (see ``defaultMaxConnections``).
    public var maxConnections: Int?
    /// Connections open at once from one remote IP address; nil: no cap
    /// (Node has none). Past it, the same `503` and close as past
    /// ``maxConnections``. Behind a proxy every client shares the proxy's
    /// address: leave it off there.
    public var maxConnectionsPerAddress: Int?

    /// Node's defaults, and a connection cap from the descriptor limit.
    public init() {}

    /// The connection cap in force.
    public var effectiveMaxConnections: Int { maxConnections ?? Self.defaultMaxConnections }

    /// The soft descriptor limit (`RLIMIT_NOFILE`) less a reserve for what
    /// is not a connection: 64 (listeners, the store's files, logs, and the
    /// connections being refused at that moment) and 4 per core (each event
    /// loop's epoll, eventfd and timerfd). An idle server on 2 cores holds
    /// about 20 descriptors; with a limit of 20,000 the cap is 19,928.
    public static var defaultMaxConnections: Int {
        let limit = DescriptorLimit.soft
        return max(1, limit - (64 + 4 * System.coreCount))
    }

    /// How often each loop looks for expired connections.
    var sweepInterval: TimeAmount {
        let shortest = min(headersTimeout, requestTimeout, keepAliveTimeout)
        return min(max(.nanoseconds(shortest.nanoseconds / 4), .milliseconds(10)), .seconds(1))
    }
}

/// The process's descriptor limit.
enum DescriptorLimit {
    /// The soft `RLIMIT_NOFILE` (1024 when it cannot be read).
    static var soft: Int {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return 1024 }
        return Int(clamping: min(limit.rlim_cur, rlim_t(Int32.max)))
    }

    private static var RLIMIT_NOFILE_VALUE: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}
