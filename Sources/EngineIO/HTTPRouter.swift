import NIOCore
import NIOHTTP1

/// Which endpoint (or the fallback) answers a request, by path prefix.
final class HTTPRouter: Sendable {
    let endpoints: [EngineIOServer]
    let fallback: HTTPServer.Fallback?

    init(endpoints: [EngineIOServer], fallback: HTTPServer.Fallback?) {
        self.endpoints = endpoints
        self.fallback = fallback
    }

    /// The endpoint whose path prefixes `uri`'s path.
    func endpoint(for uri: String) -> EngineIOServer? {
        let path = uri.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(uri).utf8[...]
        for endpoint in endpoints where path.starts(with: endpoint.configuration.path.utf8) {
            return endpoint
        }
        return nil
    }

    func validateWebSocket(head: HTTPRequestHead, on loop: any EventLoop) -> EventLoopFuture<HTTPHeaders?> {
        guard let endpoint = endpoint(for: head.uri) else { return loop.makeSucceededFuture(nil) }
        return endpoint.validateWebSocket(head: head, on: loop)
    }
}
