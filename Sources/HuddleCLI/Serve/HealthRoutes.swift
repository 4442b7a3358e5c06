import EngineIO
import NIOCore
import NIOHTTP1

/// `/healthz` and `/readyz`, for load balancers and orchestrators:
///
/// - `/healthz`: 200 `ok` while the process serves HTTP at all (liveness);
/// - `/readyz`: 200 `ready` while it takes new users (listening, the store
///   open, every other dependency up: see ``ServeReadiness``); 503
///   `not ready: NAME` while one is down, 503 `draining` once shutdown has
///   begun (the rooms are closing), so a balancer stops sending it
///   connections before they are refused.
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
            switch readiness.state {
            case .ready: return text(.ok, "ready")
            case .notReady(let name): return text(.serviceUnavailable, "not ready: \(name)")
            case .draining: return text(.serviceUnavailable, "draining")
            }
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
