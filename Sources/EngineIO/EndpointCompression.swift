import NIOCore
import NIOHTTP1

/// Compression for one endpoint: gzip/deflate of polling responses and
/// permessage-deflate of WebSocket messages. (zlib wiring pending.)
struct EndpointCompression: Sendable {
    let configuration: EngineIOConfiguration

    func compressIfWorthIt(_ response: inout HTTPResponse, requestHeaders: HTTPHeaders) {}

    /// The agreed extension header for an offer, or nil to decline.
    func negotiateDeflate(offer: [String]) -> String? { nil }
}

/// Inflates compressed messages of one connection.
final class MessageInflater {
    let limit: Int
    init(limit: Int) { self.limit = limit }
    func inflate(_ data: ByteBuffer) -> ByteBuffer? { nil }
}
