import NIOCore

/// Answers a connection accepted past ``HTTPServerLimits/maxConnections``:
/// `503 Service Unavailable` with the reason, then the connection closes
/// (whatever the client sent is not read).
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let answer: String = {
        let body = #"{"code":503,"message":"Too many connections"}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }()

    func channelActive(context: ChannelHandlerContext) {
        let done = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Self.answer)))
        done.assumeIsolated().whenComplete { [context] _ in context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing a refused client sends is read.
    }
}

/// Tells the connection's watch that bytes arrived (an idle keep-alive
/// connection starting its next request), in front of NIO's HTTP decoder.
final class ConnectionActivity: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let watch: ConnectionWatch

    init(watch: ConnectionWatch) {
        self.watch = watch
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.bytesArrived()
        context.fireChannelRead(data)
    }
}

/// The answer to a request that did not arrive in time (see
/// ``HTTPServerLimits``): `408 Request Timeout`, then the connection closes.
enum HTTPTimeoutAnswer {
    static let bytes = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    /// Writes the answer as raw bytes from `context` (a handler whose
    /// outbound side is bytes: nothing encodes HTTP below it), then closes.
    static func send(on context: ChannelHandlerContext) {
        let done = context.writeAndFlush(NIOAny(ByteBuffer(string: bytes)))
        done.assumeIsolated().whenComplete { [context] _ in context.close(promise: nil) }
    }
}
