import Foundation
import NIOCore
import Synchronization
import NIOPosix

/// One raw TCP connection to a server on 127.0.0.1: bytes written as given
/// (HTTP requests, masked WebSocket frames), bytes read kept until a parser
/// finds a whole item (an HTTP response, a frame) in them. Nothing waits on
/// a clock except the safety bound of each read.
///
/// ```swift
/// let connection = try await RawConnection.connect(port: port, group: clients)
/// connection.write("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")
/// let answer = try await connection.response()
/// ```
struct RawConnection: Sendable {
    let channel: any Channel
    private let collector: NIOLoopBound<Collector>

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        let unread: String
        var description: String { "timed out waiting for \(what); unread: \(unread.prefix(300))" }
    }

    static func connect(port: Int, group: any EventLoopGroup) async throws -> RawConnection {
        // The collector is kept from the initializer: a server that answers
        // and closes at once (a refusal) may have emptied the pipeline by the
        // time a lookup would run.
        let installed = Mutex<NIOLoopBound<Collector>?>(nil)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let collector = Collector()
                    try channel.pipeline.syncOperations.addHandler(collector)
                    installed.withLock { $0 = NIOLoopBound(collector, eventLoop: channel.eventLoop) }
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        guard let collector = installed.withLock({ $0 }) else { throw ChannelPipelineError.notFound }
        return RawConnection(channel: channel, collector: collector)
    }

    /// Writes and flushes `bytes`; call on any thread (or on the channel's
    /// loop, where it writes at once: two connections on one loop then
    /// write in one turn, back to back).
    func write(_ bytes: ByteBuffer) {
        channel.writeAndFlush(bytes, promise: nil)
    }

    func write(_ text: String) {
        write(ByteBuffer(string: text))
    }

    /// Waits until `parse` takes a whole item from what was read (it
    /// consumes what it takes and returns nil while an item is incomplete;
    /// `closed` tells it the peer closed).
    func read<Item: Sendable>(
        _ what: String,
        within bound: TimeAmount = .seconds(15),
        _ parse: @escaping @Sendable (inout ByteBuffer, _ closed: Bool) -> Item?
    ) async throws -> Item {
        let collector = self.collector
        let loop = channel.eventLoop
        return try await loop.flatSubmit {
            let promise = loop.makePromise(of: Item.self)
            let handler = collector.value
            precondition(handler.waiter == nil, "one read at a time")
            let attempt = {
                guard let item = parse(&handler.buffer, handler.closed) else { return false }
                promise.succeed(item)
                return true
            }
            if !attempt() {
                handler.waiter = attempt
                let timer = loop.assumeIsolated().scheduleTask(in: bound) {
                    handler.waiter = nil
                    promise.fail(TimedOut(what: what, unread: String(buffer: handler.buffer)))
                }
                promise.futureResult.whenComplete { _ in timer.cancel() }
            }
            return promise.futureResult
        }.get()
    }

    func close() async {
        try? await channel.close()
    }

    /// Keeps what was read and calls the waiting parser.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        var buffer = ByteBuffer()
        var closed = false
        var waiter: (() -> Bool)?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer.writeBuffer(&bytes)
            attempt()
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed = true
            attempt()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func attempt() {
            guard let waiter, waiter() else { return }
            self.waiter = nil
        }
    }
}

// MARK: - HTTP

/// An HTTP/1.1 response.
struct RawHTTPResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: String
}

extension RawConnection {
    /// A request as a browser sends it (POST with a text body).
    static func request(_ method: String, _ target: String, body: String = "", headers: [String] = []) -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for header in headers { text += header + "\r\n" }
        if method == "POST" {
            text += "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        return text + "\r\n" + body
    }

    /// The next whole response (a 101 has no body).
    func response(_ what: String = "an HTTP response") async throws -> RawHTTPResponse {
        try await read(what) { buffer, closed in Self.parseResponse(&buffer) }
    }

    static func parseResponse(_ buffer: inout ByteBuffer) -> RawHTTPResponse? {
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let headLength = end.upperBound - view.startIndex
        var peek = buffer
        guard let head = peek.readString(length: headLength) else { return nil }
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first else { return nil }
        let parts = statusLine.split(separator: " ")
        let status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        let length = status == 101 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        guard peek.readableBytes >= length, let body = peek.readString(length: length) else { return nil }
        buffer = peek
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }
}

// MARK: - WebSocket

/// What a WebSocket client reads.
enum RawWebSocketEvent: Sendable, Equatable, CustomStringConvertible {
    case text(String)
    case binary([UInt8])
    /// A close frame and its code.
    case close(UInt16?)
    case ping
    /// The TCP connection ended.
    case disconnected

    var description: String {
        switch self {
        case .text(let text): text
        case .binary(let bytes): "binary \(bytes.count)"
        case .close(let code): "close \(code.map { String($0) } ?? "")"
        case .ping: "ping"
        case .disconnected: "disconnected"
        }
    }
}

extension RawConnection {
    /// Opens a WebSocket: the upgrade request, then its answer.
    static func webSocket(port: Int, path: String, group: any EventLoopGroup) async throws -> (RawConnection, RawHTTPResponse) {
        let connection = try await connect(port: port, group: group)
        connection.write(upgradeRequest(path))
        let answer = try await connection.response("the WebSocket upgrade answer")
        return (connection, answer)
    }

    static func upgradeRequest(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// A masked client text frame.
    static func textFrame(_ text: String) -> ByteBuffer {
        let payload = Array(text.utf8)
        var frame = ByteBuffer()
        frame.writeInteger(UInt8(0x81))
        if payload.count < 126 {
            frame.writeInteger(UInt8(0x80 | payload.count))
        } else if payload.count <= 0xFFFF {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(payload.count))
        } else {
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(payload.count))
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame.writeBytes(mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset & 3] })
        return frame
    }

    func sendText(_ text: String) {
        write(Self.textFrame(text))
    }

    /// The next frame from the server (unmasked, unfragmented), or the end
    /// of the connection.
    func frame(_ what: String = "a WebSocket frame") async throws -> RawWebSocketEvent {
        try await read(what) { buffer, closed in
            if let event = Self.parseFrame(&buffer) { return event }
            return closed && buffer.readableBytes == 0 ? .disconnected : nil
        }
    }

    static func parseFrame(_ buffer: inout ByteBuffer) -> RawWebSocketEvent? {
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self), let second = peek.readInteger(as: UInt8.self) else { return nil }
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = peek.readInteger(as: UInt16.self) else { return nil }
            length = Int(extended)
        } else if length == 127 {
            guard let extended = peek.readInteger(as: UInt64.self) else { return nil }
            length = Int(extended)
        }
        guard var payload = peek.readSlice(length: length) else { return nil }
        buffer = peek
        switch first & 0x0F {
        case 1: return .text(String(buffer: payload))
        case 2: return .binary(Array(payload.readableBytesView))
        case 8: return .close(payload.readInteger(as: UInt16.self))
        case 9: return .ping
        default: return .binary(Array(payload.readableBytesView))
        }
    }
}
