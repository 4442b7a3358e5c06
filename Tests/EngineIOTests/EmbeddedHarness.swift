import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// Drives an Engine.IO endpoint through EmbeddedChannels: raw HTTP bytes
/// in, raw response bytes out, with a clock the test advances.
final class EmbeddedHarness {
    let loop = EmbeddedEventLoop()
    let server: EngineIOServer
    let router: HTTPRouter
    var received: [String: [EngineIOMessage]] = [:]
    var closed: [String: EngineIOCloseReason] = [:]
    /// Bytes read past the end of an HTTP response (WebSocket frames after a 101).
    var leftover: [ObjectIdentifier: ByteBuffer] = [:]

    init(configure: (inout EngineIOConfiguration) -> Void = { _ in }) {
        var configuration = EngineIOConfiguration(path: "/engine.io/")
        configuration.pingInterval = .milliseconds(300)
        configuration.pingTimeout = .milliseconds(200)
        configure(&configuration)
        let box = CallbackBox()
        server = EngineIOServer(configuration: configuration, group: loop) { socket in
            box.harness?.connected(socket)
        }
        router = HTTPRouter(endpoints: [server], fallback: nil)
        box.harness = self
    }

    func connected(_ socket: EngineIOSocket) {
        let id = socket.id
        socket.onMessage = { [unowned self, unowned socket] message in
            received[id, default: []].append(message)
            // echo, like the conformance app
            switch message {
            case .text(let text):
                // "plain:" asks for the per-message switch: compression off
                socket.send(packet: .init(type: .message, data: text), compress: !String(buffer: text).hasPrefix("plain:"))
            case .binary(let bytes): socket.send(binary: bytes)
            }
        }
        socket.onClose = { [unowned self] reason in closed[id] = reason }
    }

    /// A new client connection.
    func connection() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(loop: loop)
        try HTTPServer.configure(channel: channel, router: router)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func send(_ channel: EmbeddedChannel, _ method: String, _ query: String, body: String = "", headers: [String] = []) throws {
        var text = "\(method) /engine.io/?\(query) HTTP/1.1\r\nHost: x\r\n"
        for header in headers { text += header + "\r\n" }
        if method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        try channel.writeInbound(ByteBuffer(string: text))
        loop.run()
    }

    /// Everything written to the client so far.
    func output(_ channel: EmbeddedChannel) throws -> ByteBuffer {
        loop.run()
        var all = leftover.removeValue(forKey: ObjectIdentifier(channel)) ?? ByteBuffer()
        while let part = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(var bytes) = part else { Issue.record("file region"); continue }
            all.writeBuffer(&bytes)
        }
        return all
    }

    /// The next complete HTTP response, or nil when none was written.
    func response(_ channel: EmbeddedChannel) throws -> (status: Int, body: String, headers: [String: String])? {
        let bytes = try output(channel)
        guard bytes.readableBytes > 0 else { return nil }
        let view = Array(bytes.readableBytesView)
        guard let end = (0..<max(0, view.count - 3)).first(where: { view[$0..<($0 + 4)] == [13, 10, 13, 10] }) else {
            Issue.record("no header end in \(String(buffer: bytes))")
            return nil
        }
        let text = String(decoding: view[..<end], as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        let length = status == 101 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        let body = String(decoding: view[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        if view.count > end + 4 + length {
            leftover[ObjectIdentifier(channel)] = ByteBuffer(bytes: view[(end + 4 + length)...])
        }
        return (status, body, headers)
    }

    func openPolling() throws -> String {
        let channel = try connection()
        try send(channel, "GET", "EIO=4&transport=polling")
        let answer = try #require(try response(channel))
        #expect(answer.status == 200)
        let sid = answer.body.split(separator: "\"")[3]
        return String(sid)
    }

    /// Performs a WebSocket upgrade and returns the channel, now speaking frames.
    func openWebSocket(_ query: String, extensions: String? = nil) throws -> (EmbeddedChannel, status: Int, headers: [String: String]) {
        let channel = try connection()
        var headers = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
        if let extensions { headers.append("Sec-WebSocket-Extensions: \(extensions)") }
        try send(channel, "GET", query, headers: headers)
        let answer = try #require(try response(channel))
        return (channel, answer.status, answer.headers)
    }

    /// A masked client frame.
    static func clientFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, rsv1: Bool = false, masked: Bool = true) -> ByteBuffer {
        var data = ByteBuffer(bytes: payload)
        let key: WebSocketMaskingKey? = masked ? WebSocketMaskingKey([1, 2, 3, 4]) : nil
        var out = ByteBuffer()
        let codes: [WebSocketOpcode: UInt8] = [.continuation: 0, .text: 1, .binary: 2, .connectionClose: 8, .ping: 9, .pong: 10]
        let first = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | codes[opcode]!
        out.writeInteger(UInt8(first))
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
        if let key {
            out.writeBytes(key)
            data.webSocketMask(key)
        }
        out.writeBuffer(&data)
        return out
    }

    func sendFrame(_ channel: EmbeddedChannel, text: String) throws {
        try channel.writeInbound(Self.clientFrame(.text, Array(text.utf8)))
        loop.run()
    }

    /// Server frames written so far: (opcode, payload, rsv1).
    func frames(_ channel: EmbeddedChannel) throws -> [(opcode: UInt8, payload: ByteBuffer, rsv1: Bool)] {
        var bytes = try output(channel)
        var frames: [(UInt8, ByteBuffer, Bool)] = []
        while let first = bytes.readInteger(as: UInt8.self), let second = bytes.readInteger(as: UInt8.self) {
            #expect(second & 0x80 == 0, "server frames are unmasked")
            var length = Int(second & 0x7F)
            if length == 126 { length = Int(bytes.readInteger(as: UInt16.self)!) }
            else if length == 127 { length = Int(bytes.readInteger(as: UInt64.self)!) }
            frames.append((first & 0x0F, bytes.readSlice(length: length)!, first & 0x40 != 0))
        }
        return frames
    }

    func texts(_ channel: EmbeddedChannel) throws -> [String] {
        try frames(channel).filter { $0.opcode == 1 }.map { String(buffer: $0.payload) }
    }

    func closeCode(_ channel: EmbeddedChannel) throws -> UInt16? {
        var payload = try frames(channel).first { $0.opcode == 8 }?.payload
        return payload?.readInteger(as: UInt16.self)
    }

    func sessionCount() throws -> Int {
        let future = server.sessionCount()
        loop.run()
        return try future.wait()
    }
}

/// Lets the connection callback reach the harness created after the server.
final class CallbackBox: @unchecked Sendable {
    var harness: EmbeddedHarness?
}
