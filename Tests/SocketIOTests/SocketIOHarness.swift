import NIOCore
import NIOEmbedded
import Testing
import HuddleTestSupport
import EngineIO
import SocketIO
import SocketIOCore

/// A Socket.IO server on an EmbeddedEventLoop, and raw clients that speak
/// packet strings over WebSocket frames.
final class SocketIOHarness {
    let loop = EmbeddedEventLoop()
    let io: SocketIOServer
    /// What server-side handlers recorded, in order.
    let log = Log()

    init(configure: (inout SocketIOConfiguration) -> Void = { _ in }) {
        var configuration = SocketIOConfiguration()
        configuration.engine.pingInterval = .seconds(60)
        configuration.engine.pingTimeout = .seconds(60)
        configure(&configuration)
        io = SocketIOServer(configuration: configuration, group: loop)
    }

    /// A WebSocket client that has opened an Engine.IO session.
    func client() throws -> EmbeddedClient {
        let client = try EmbeddedClient(loop: loop, endpoints: [io.engine])
        let answer = try client.upgrade("/socket.io/?EIO=4&transport=websocket")
        #expect(answer.status == 101)
        let open = try client.texts()
        #expect(open.first?.hasPrefix("0{") == true)
        return client
    }

    /// A client joined to `namespace`; returns it and the socket id.
    func connected(_ namespace: String = "/", auth: String = "") throws -> (EmbeddedClient, String) {
        let client = try client()
        let prefix = namespace == "/" ? "" : namespace + ","
        try client.send(text: "40" + prefix + auth)
        let answer = try #require(try client.nextText())
        #expect(answer.hasPrefix("40" + prefix + "{\"sid\":\""))
        let sid = String(answer.split(separator: "\"")[3])
        return (client, sid)
    }

    /// A polling client joined to the main namespace, with no GET waiting;
    /// returns it and its Engine.IO session id.
    func pollingClient() throws -> (EmbeddedClient, String) {
        let polling = try EmbeddedClient(loop: loop, endpoints: [io.engine])
        try polling.request("GET", "/socket.io/?EIO=4&transport=polling")
        let sid = String(try #require(try polling.response()).body.split(separator: "\"")[3])
        try polling.request("POST", "/socket.io/?EIO=4&transport=polling&sid=\(sid)", body: "40")
        _ = try polling.response()
        try polling.request("GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        #expect(try polling.response()?.body.hasPrefix("40{") == true)
        return (polling, sid)
    }

    func advance(_ amount: TimeAmount) {
        loop.advanceTime(by: amount)
    }
}

/// A record of what happened on the server, for assertions.
final class Log: @unchecked Sendable {
    var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}
