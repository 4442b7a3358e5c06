public import NIOCore
public import NIOHTTP1
public import EngineIOCore

/// What a session keeps of the request that opened it: what Socket.IO
/// exposes as `socket.handshake` (headers, query, address, url, secure).
public struct EngineIORequest: Sendable {
    /// Request method.
    public var method: HTTPMethod
    /// The request URI as sent (path and query).
    public var uri: String
    /// Request headers.
    public var headers: HTTPHeaders
    /// The decoded query (parsed on each use; sessions keep only the URI).
    public var query: QueryString { QueryString(uri: uri) }
    /// The client's address, if known.
    public var remoteAddress: SocketAddress?
    /// Whether the connection is TLS (always false here: TLS is terminated in front).
    public var isSecure: Bool

    /// A request description.
    public init(method: HTTPMethod, uri: String, headers: HTTPHeaders, remoteAddress: SocketAddress?, isSecure: Bool = false) {
        self.method = method
        self.uri = uri
        // A copy sized to fit: the decoder's array has room to grow, and
        // a session keeps its request for as long as it lives. The WebSocket
        // handshake nonce is left out: it means nothing once the connection
        // is open, and keeping it costs two allocations per connection.
        var compact = HTTPHeaders()
        compact.reserveCapacity(headers.count)
        for (name, value) in headers where !Self.isHandshakeNonce(name) {
            compact.add(name: name, value: value)
        }
        self.headers = compact
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
    }

    /// `Sec-WebSocket-Key`, in any case, compared without allocating.
    private static func isHandshakeNonce(_ name: String) -> Bool {
        let nonce = "sec-websocket-key".utf8
        guard name.utf8.count == nonce.count else { return false }
        return zip(name.utf8, nonce).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
}
