import SocketIOClient
import SocketIOCore
import Synchronization
import Testing

/// Options whose effect shows across connections: rememberUpgrade, an auth
/// provider, the heartbeat.
@Suite("Manager options")
struct ManagerOptionsTests {
    @Test("rememberUpgrade: after one upgrade, the next session opens with WebSocket")
    func rememberUpgrade() async throws {
        let server = try await InProcessServer.start()
        var options = ClientOptions.testing(.upgrade)
        options.rememberUpgrade = true
        let manager = try Manager(url: server.url, options: options)
        defer { manager.close() }
        let events = Recorder(recording: manager)
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        try await seen.connected()
        #expect(try await events.next(.upgrade) == .upgrade(.websocket))

        try await server.stop()
        _ = try await seen.disconnected()
        try await server.restart()
        try await seen.connected()
        #expect(manager.transport == .websocket)
        _ = try await socket.emitWithAck("echo", "sync")
        #expect(events.all.filter { $0.name == .upgrade }.count == 1)
        try await server.stop()
    }

    @Test("an auth provider runs again at every connection")
    func authProviderPerConnection() async throws {
        let server = try await InProcessServer.start()
        let calls = Atomic<Int64>(0)
        var options = ClientOptions.testing(.websocket)
        options.auth = .provider {
            let call = calls.add(1, ordering: .relaxed).newValue
            return ["token": .int(call)]
        }
        let socket = try io(server.url, options: options)
        defer { socket.disconnect() }
        let seen = Recorder(recording: socket)
        socket.open()
        try await seen.connected()
        #expect(try await seen.event("auth").arguments == [["token": 1]])
        try await server.stop()
        _ = try await seen.disconnected()
        try await server.restart()
        try await seen.connected()
        #expect(try await seen.event("auth").arguments == [["token": 2]])
        try await server.stop()
    }

    @Test("a failing auth provider is a connect_error, and the socket stops")
    func failingAuthProvider() async throws {
        struct Expired: Error {}
        let server = try await InProcessServer.start()
        var options = ClientOptions.testing(.websocket)
        options.auth = .provider { throw Expired() }
        let socket = try io(server.url, options: options)
        let seen = Recorder(recording: socket)
        socket.open()
        #expect(try await seen.connectError().code == .authFailed)
        #expect(!socket.isActive)
        try await server.stop()
    }

    @Test("the server's pings are answered and reported")
    func heartbeat() async throws {
        let server = try await InProcessServer.start { configuration in
            // A pong brings the next ping forward to pingInterval after it,
            // so pings come every ~250 ms. The pong deadline (and the
            // client's, interval + timeout) is only a safety bound: a loaded
            // machine that answers a ping late must not close the session.
            configuration.engine.pingInterval = .milliseconds(250)
            configuration.engine.pingTimeout = .seconds(10)
        }
        let manager = try Manager(url: server.url, options: .testing(.polling))
        let events = Recorder(recording: manager)
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        try await seen.connected()
        for _ in 0..<2 { #expect(try await events.next(.ping) == .ping) }
        #expect(socket.isConnected)  // the pongs kept the session alive
        #expect(!events.all.contains { $0.name == .close })
        socket.disconnect()
        #expect(try await events.next(.close) == .close(.forcedClose))
        try await server.stop()
    }
}
