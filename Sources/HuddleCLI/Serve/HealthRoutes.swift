import EngineIO
import NIOCore
import NIOHTTP1
import Synchronization

/// Whether `huddle serve` takes new users: ready from the moment it
/// listens until shutdown begins (SIGTERM or SIGINT), then draining while
/// its rooms close and its connections end. Shared by the serve command
/// (which flips it) and the HTTP routes (which read it on any loop).
final class ServeReadiness: Sendable {
    private let draining = Mutex(false)

    /// Shutdown has begun: `/readyz` answers 503 from now on.
    func beginDraining() { draining.withLock { $0 = true } }

    /// Whether shutdown has begun.
    var isDraining: Bool { draining.withLock { $0 } }
}

/// `/healthz` and `/readyz`, for load balancers and orchestrators:
///
/// - `/healthz`: 200 `ok` while the process serves HTTP at all (liveness);
/// - `/readyz`: 200 `ready` while it takes new users, 503 `draining` once
///   shutdown has begun (the rooms are closing), so a balancer stops
///   sending it connections before they are refused.
///
/// ```text
/// curl -i http://127.0.0.1:3000/readyz     # HTTP/1.1 200 OK ... ready
/// ```
enum HealthRoutes {
    /// The answer to `path`, or nil when it is not one of these routes.
    static func response(to path: Substring, readiness: ServeReadiness) -> HTTPResponse? {
        switch path {
        case "/healthz":
            return text(.ok, "ok")
        case "/readyz":
            return readiness.isDraining ? text(.serviceUnavailable, "draining") : text(.ok, "ready")
        default:
            return nil
        }
    }

    private static func text(_ status: HTTPResponseStatus, _ body: String) -> HTTPResponse {
        var response = HTTPResponse(status: status, body: ByteBuffer(string: body + "\n"))
        response.headers.replaceOrAdd(name: "content-type", value: "text/plain; charset=utf-8")
        response.headers.replaceOrAdd(name: "cache-control", value: "no-store")
        return response
    }
}
