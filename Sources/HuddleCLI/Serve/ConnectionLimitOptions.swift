import ArgumentParser
import EngineIO
import NIOCore

/// The flags of `huddle serve` that bound slow and silent connections and
/// the connections held at once (see `HTTPServerLimits`; defaults are
/// Node.js's).
struct ConnectionLimitOptions: ParsableArguments {
    @Option(help: "Seconds a request's line and headers may take (then 408 and close).")
    var headersTimeout = 60.0

    @Option(help: "Seconds a whole request, body included, may take (then 408 and close).")
    var requestTimeout = 300.0

    @Option(help: "Seconds a connection may sit idle between requests (then closed).")
    var keepAliveTimeout = 5.0

    @Option(help: "Connections held at once (default: the descriptor limit less a reserve); past it, 503 and close.")
    var maxConnections: Int?

    @Option(help: "Connections held at once from one IP address (default: no cap; not behind a proxy); past it, 503 and close.")
    var maxConnectionsPerAddress: Int?

    func validate() throws {
        guard headersTimeout > 0, requestTimeout > 0, keepAliveTimeout > 0 else {
            throw ValidationError("--headers-timeout, --request-timeout and --keep-alive-timeout must be positive")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if let maxConnectionsPerAddress, maxConnectionsPerAddress < 1 {
            throw ValidationError("--max-connections-per-address must be at least 1")
        }
    }

    /// The limits these flags describe.
    var limits: HTTPServerLimits {
        var limits = HTTPServerLimits()
        limits.headersTimeout = .nanoseconds(Int64(headersTimeout * 1e9))
        limits.requestTimeout = .nanoseconds(Int64(requestTimeout * 1e9))
        limits.keepAliveTimeout = .nanoseconds(Int64(keepAliveTimeout * 1e9))
        limits.maxConnections = maxConnections
        limits.maxConnectionsPerAddress = maxConnectionsPerAddress
        return limits
    }
}
