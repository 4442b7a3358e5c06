import NIOCore
import NIOHTTP1

/// Which endpoint (or the fallback) answers a request, by path.
final class HTTPRouter: Sendable {
    let endpoints: [EngineIOServer]
    let fallback: HTTPServer.AsyncFallback?

    init(endpoints: [EngineIOServer], fallback: HTTPServer.AsyncFallback?) {
        self.endpoints = endpoints
        self.fallback = fallback
    }

    /// The endpoint whose path is exactly `uri`'s path (`/socket.io/`, with
    /// or without the trailing slash). Other paths under it, such as the
    /// client bundle at `/socket.io/socket.io.min.js`, go to the fallback.
    func endpoint(for uri: String) -> EngineIOServer? {
        let utf8 = uri.utf8
        let path = utf8[..<(utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex)]
        for endpoint in endpoints {
            let own = endpoint.configuration.path.utf8
            if path.elementsEqual(own) || path.elementsEqual(own.dropLast()) { return endpoint }
        }
        return nil
    }

    func validateWebSocket(head: HTTPRequestHead, on loop: any EventLoop) -> EventLoopFuture<HTTPHeaders?> {
        guard let endpoint = endpoint(for: head.uri) else { return loop.makeSucceededFuture(nil) }
        return endpoint.validateWebSocket(head: head, on: loop)
    }
}
