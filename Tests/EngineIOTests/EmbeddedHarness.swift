import NIOCore
import NIOEmbedded
import Testing
import HuddleTestSupport
@testable import EngineIO
@testable import EngineIOCore

/// An echo endpoint driven through EmbeddedClients, recording what the
/// application saw (messages, close reasons), with a clock the test advances.
final class EmbeddedHarness {
    let loop = EmbeddedEventLoop()
    let server: EngineIOServer
    var received: [String: [EngineIOMessage]] = [:]
    var closed: [String: EngineIOCloseReason] = [:]
    /// Every session opened, by sid (kept after it closes).
    var sockets: [String: EngineIOSocket] = [:]

    init(configure: (inout EngineIOConfiguration) -> Void = { _ in }) {
        var configuration = EngineIOConfiguration(path: "/engine.io/")
        configuration.pingInterval = .milliseconds(300)
        configuration.pingTimeout = .milliseconds(200)
        configure(&configuration)
        let box = CallbackBox()
        server = EngineIOServer(configuration: configuration, group: loop) { socket in
            box.harness?.connected(socket)
        }
        box.harness = self
    }

    func connected(_ socket: EngineIOSocket) {
        let id = socket.id
        sockets[id] = socket
        socket.onMessage = { [unowned self, unowned socket] message in
            received[id, default: []].append(message)
            switch message {
            case .text(let text):
                // "plain:" asks for the per-message switch: compression off
                socket.send(packet: .init(type: .message, data: text), compress: !String(buffer: text).hasPrefix("plain:"))
            case .binary(let bytes):
                socket.send(binary: bytes)
            }
        }
        socket.onClose = { [unowned self] reason in closed[id] = reason }
    }

    /// A new client connection.
    func connection() throws -> EmbeddedClient {
        try EmbeddedClient(loop: loop, endpoints: [server])
    }

    func send(_ client: EmbeddedClient, _ method: String, _ query: String, body: String = "", headers: [String] = []) throws {
        try client.request(method, "/engine.io/?\(query)", body: body, headers: headers)
    }

    func response(_ client: EmbeddedClient) throws -> (status: Int, body: String, headers: [String: String])? {
        try client.response().map { ($0.status, $0.body, $0.headers) }
    }

    func output(_ client: EmbeddedClient) throws -> ByteBuffer {
        try client.output()
    }

    func openPolling() throws -> String {
        let client = try connection()
        try send(client, "GET", "EIO=4&transport=polling")
        let answer = try #require(try response(client))
        #expect(answer.status == 200)
        return String(answer.body.split(separator: "\"")[3])
    }

    /// Performs a WebSocket upgrade and returns the client, now speaking frames.
    func openWebSocket(_ query: String, extensions: String? = nil) throws -> (EmbeddedClient, status: Int, headers: [String: String]) {
        let client = try connection()
        let answer = try client.upgrade("/engine.io/?\(query)", extensions: extensions)
        return (client, answer.status, answer.headers)
    }

    func sendFrame(_ client: EmbeddedClient, text: String) throws {
        try client.send(text: text)
    }

    func frames(_ client: EmbeddedClient) throws -> [EmbeddedClient.Frame] {
        try client.frames()
    }

    func texts(_ client: EmbeddedClient) throws -> [String] {
        try client.texts()
    }

    func closeCode(_ client: EmbeddedClient) throws -> UInt16? {
        try client.closeCode()
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
