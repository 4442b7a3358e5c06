import Foundation
public import NIOCore
public import NIOEmbedded
public import NIOWebSocket
public import EngineIO

/// One client connection to Engine.IO endpoints through an EmbeddedChannel:
/// raw HTTP requests and WebSocket frames in, raw response bytes out, on a
/// loop whose clock the test advances. Shared by the in-process suites.
///
/// ```swift
/// let client = try EmbeddedClient(loop: loop, endpoints: [engine])
/// try client.request("GET", "/engine.io/?EIO=4&transport=polling")
/// let answer = try client.response()
/// ```
public final class EmbeddedClient {
    /// A parsed HTTP response.
    public struct Response {
        /// Status code.
        public var status: Int
        /// Body text.
        public var body: String
        /// Headers, names lowercased.
        public var headers: [String: String]
        /// The body's bytes (for binary bodies, which `body` cannot show).
        public var bytes: [UInt8] = []
    }

    /// A server frame: opcode, payload, RSV1.
    public struct Frame {
        /// Opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong).
        public var opcode: UInt8
        /// Payload bytes.
        public var payload: ByteBuffer
        /// Whether RSV1 (compressed) is set.
        public var rsv1: Bool
    }

    /// The channel under the client.
    public let channel: EmbeddedChannel
    /// The loop driving it.
    public let loop: EmbeddedEventLoop
    private var leftover = ByteBuffer()
    private var unread: [Frame] = []

    /// A connected client of `endpoints` on `loop`.
    public init(loop: EmbeddedEventLoop, endpoints: [EngineIOServer]) throws {
        self.loop = loop
        channel = EmbeddedChannel(loop: loop)
        try HTTPServer.configure(channel: channel, endpoints: endpoints)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends an HTTP/1.1 request.
    public func request(_ method: String, _ target: String, body: String = "", headers: [String] = []) throws {
        try request(method, target, bytes: Array(body.utf8), headers: headers)
    }

    /// Sends an HTTP/1.1 request with a body of any bytes.
    public func request(_ method: String, _ target: String, bytes body: [UInt8], headers: [String] = []) throws {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: x\r\n"
        for header in headers { text += header + "\r\n" }
        if method == "POST" { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        var bytes = ByteBuffer(string: text)
        bytes.writeBytes(body)
        try channel.writeInbound(bytes)
        loop.run()
    }

    /// Everything written to the client since the last read.
    public func output() throws -> ByteBuffer {
        loop.run()
        var all = leftover
        leftover = ByteBuffer()
        while let part = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(var bytes) = part { all.writeBuffer(&bytes) }
        }
        return all
    }

    /// The next complete HTTP response, or nil when none was written.
    public func response() throws -> Response? {
        let bytes = try output()
        guard bytes.readableBytes > 0 else { return nil }
        let view = Array(bytes.readableBytesView)
        guard let end = (0..<max(0, view.count - 3)).first(where: { view[$0..<($0 + 4)] == [13, 10, 13, 10] }) else {
            return Response(status: 0, body: String(decoding: view, as: UTF8.self), headers: [:])
        }
        let lines = String(decoding: view[..<end], as: UTF8.self).split(separator: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        let length = status == 101 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        let stop = min(view.count, end + 4 + length)
        if view.count > stop { leftover = ByteBuffer(bytes: view[stop...]) }
        let body = Array(view[(end + 4)..<stop])
        return Response(status: status, body: String(decoding: body, as: UTF8.self), headers: headers, bytes: body)
    }

    /// Performs a WebSocket upgrade; returns the HTTP answer (101 on success).
    public func upgrade(_ target: String, extensions: String? = nil) throws -> Response {
        var headers = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
        if let extensions { headers.append("Sec-WebSocket-Extensions: \(extensions)") }
        try request("GET", target, headers: headers)
        return try response() ?? Response(status: 0, body: "", headers: [:])
    }

    /// A client frame (masked unless asked otherwise).
    public static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, rsv1: Bool = false, masked: Bool = true) -> ByteBuffer {
        var data = ByteBuffer(bytes: payload)
        var out = ByteBuffer()
        let codes: [WebSocketOpcode: UInt8] = [.continuation: 0, .text: 1, .binary: 2, .connectionClose: 8, .ping: 9, .pong: 10]
        out.writeInteger(UInt8((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0)) | codes[opcode]!)
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            out.writeInteger(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out.writeInteger(maskBit | 126)
            out.writeInteger(UInt16(payload.count))
        } else {
            out.writeInteger(maskBit | 127)
            out.writeInteger(UInt64(payload.count))
        }
        if masked {
            let key = WebSocketMaskingKey([1, 2, 3, 4])!
            out.writeBytes(key)
            data.webSocketMask(key)
        }
        out.writeBuffer(&data)
        return out
    }

    /// Sends a raw frame.
    public func send(frame: ByteBuffer) throws {
        try channel.writeInbound(frame)
        loop.run()
    }

    /// Sends a text message.
    public func send(text: String) throws {
        try send(frame: Self.frame(.text, Array(text.utf8)))
    }

    /// Sends a binary message.
    public func send(binary: [UInt8]) throws {
        try send(frame: Self.frame(.binary, binary))
    }

    /// Server frames written since the last read.
    public func frames() throws -> [Frame] {
        var bytes = try output()
        var frames = unread
        unread = []
        while let first = bytes.readInteger(as: UInt8.self), let second = bytes.readInteger(as: UInt8.self) {
            var length = Int(second & 0x7F)
            if length == 126 { length = Int(bytes.readInteger(as: UInt16.self) ?? 0) }
            else if length == 127 { length = Int(bytes.readInteger(as: UInt64.self) ?? 0) }
            guard let payload = bytes.readSlice(length: length) else { break }
            frames.append(Frame(opcode: first & 0x0F, payload: payload, rsv1: first & 0x40 != 0))
        }
        return frames
    }

    /// The data messages written since the last read: text as `String`,
    /// binary as `[UInt8]`.
    public func messages() throws -> [Message] {
        try frames().compactMap { frame in
            switch frame.opcode {
            case 1: .text(String(buffer: frame.payload))
            case 2: .binary(Array(frame.payload.readableBytesView))
            default: nil
            }
        }
    }

    /// The first text message not read yet; the others stay unread.
    public func nextText() throws -> String? {
        var all = try frames()
        guard let index = all.firstIndex(where: { $0.opcode == 1 }) else {
            unread = all
            return nil
        }
        let text = String(buffer: all.remove(at: index).payload)
        unread = all
        return text
    }

    /// Text messages written since the last read.
    public func texts() throws -> [String] {
        try frames().filter { $0.opcode == 1 }.map { String(buffer: $0.payload) }
    }

    /// The code of the first close frame written since the last read.
    public func closeCode() throws -> UInt16? {
        var payload = try frames().first { $0.opcode == 8 }?.payload
        return payload?.readInteger(as: UInt16.self)
    }

    /// A data message.
    public enum Message: Equatable {
        /// Text.
        case text(String)
        /// Binary.
        case binary([UInt8])
    }
}
