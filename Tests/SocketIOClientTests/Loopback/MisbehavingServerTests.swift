import SocketIOClient
import Testing

/// Servers that break the protocol: the client disconnects with the right
/// reason, then reconnects (to a well-behaved second session).
@Suite("Misbehaving servers")
struct MisbehavingServerTests {
    private func client(_ server: MisbehavingServer, _ mode: TransportMode = .polling) throws -> (Manager, Socket, Recorder<Seen>) {
        let manager = try Manager(url: server.url, options: .testing(mode))
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        return (manager, socket, seen)
    }

    @Test("a Socket.IO packet that does not decode: parse error, then reconnection")
    func garbageSocketIOPacket() async throws {
        let server = try await MisbehavingServer.start { session in
            var plan = MisbehavingServer.SessionPlan()
            if session == 1 { plan.afterConnect = ["4garbage"] }
            return plan
        }
        let (manager, socket, seen) = try client(server)
        let events = Recorder(recording: manager)
        try await seen.connected()
        #expect(try await seen.disconnected() == .parseError)
        #expect(try await events.next(.close) == .close(.parseError))
        try await seen.connected()
        #expect(socket.id == "socket-2")
        manager.close()
        try await server.stop()
    }

    @Test("bytes that are not Engine.IO packets: transport error, then reconnection")
    func garbageEngineIOPacket() async throws {
        let server = try await MisbehavingServer.start { _ in MisbehavingServer.SessionPlan() }
        let (manager, socket, seen) = try client(server)
        try await seen.connected()
        server.push(["9nonsense"], toSession: 1)
        #expect(try await seen.disconnected() == .transportError)
        try await seen.connected()
        #expect(socket.id == "socket-2")
        manager.close()
        try await server.stop()
    }

    @Test("a server that stops pinging: ping timeout, then reconnection")
    func noPings() async throws {
        let server = try await MisbehavingServer.start { session in
            var plan = MisbehavingServer.SessionPlan()
            if session == 1 {
                plan.pingInterval = 100
                plan.pingTimeout = 100
                // The 200 ms deadline starts with the OPEN packet; answered
                // the usual way, the CONNECT takes round trips that a loaded
                // machine can stretch past it (then the socket never joins
                // session 1: the next test). With the OPEN, it cannot.
                plan.connectAnswer = .withOpen
            }
            return plan
        }
        let (manager, socket, seen) = try client(server)
        let events = Recorder(recording: manager)
        try await seen.connected()
        #expect(try await seen.disconnected() == .pingTimeout)
        #expect(try await events.next(.close) == .close(.pingTimeout))
        try await seen.connected()
        #expect(socket.id == "socket-2")
        // The client told the server it was leaving (CLOSE packet `1`).
        try await server.posts.next("CLOSE of session 1") { $0.hasSuffix("1") }
        manager.close()
        try await server.stop()
    }

    @Test("no ping before the namespace's CONNECT answer: ping timeout, no disconnect, then reconnection")
    func noPingsWhileConnecting() async throws {
        let server = try await MisbehavingServer.start { session in
            var plan = MisbehavingServer.SessionPlan()
            if session == 1 {
                plan.pingInterval = 100
                plan.pingTimeout = 100
                plan.connectAnswer = .never
            }
            return plan
        }
        let (manager, socket, seen) = try client(server)
        let events = Recorder(recording: manager)
        #expect(try await events.next(.close) == .close(.pingTimeout))
        try await server.posts.next("CLOSE of session 1") { $0.hasSuffix("1") }
        try await seen.connected()
        #expect(socket.id == "socket-2")
        // The socket never joined session 1, so it did not leave it.
        #expect(!seen.all.contains { if case .disconnect = $0 { return true }; return false })
        manager.close()
        try await server.stop()
    }

    @Test("connections reset in the middle of the upgrade: transport error, then reconnection")
    func resetMidUpgrade() async throws {
        let server = try await MisbehavingServer.start { session in
            var plan = MisbehavingServer.SessionPlan()
            if session == 1 {
                plan.upgrades = ["websocket"]
                plan.onUpgrade = .resetEverything
            }
            return plan
        }
        let (manager, socket, seen) = try client(server, .upgrade)
        try await seen.connected()
        #expect(try await seen.disconnected() == .transportError)
        try await seen.connected()
        #expect(socket.id == "socket-2")
        #expect(manager.transport == .polling)
        manager.close()
        try await server.stop()
    }

    @Test("only the probe reset: the session stays on polling and keeps working")
    func probeResetKeepsPolling() async throws {
        let server = try await MisbehavingServer.start { _ in
            var plan = MisbehavingServer.SessionPlan()
            plan.upgrades = ["websocket"]
            plan.onUpgrade = .resetProbe
            return plan
        }
        let (manager, socket, seen) = try client(server, .upgrade)
        try await seen.connected()
        socket.emit("hello", "over polling")
        try await server.posts.next("the emit") { $0.contains(#"42["hello","over polling"]"#) }
        server.push([#"42["still",true]"#], toSession: 1)
        #expect(try await seen.event("still").arguments == [true])
        #expect(manager.transport == .polling)
        #expect(!seen.all.contains { if case .disconnect = $0 { return true }; return false })
        manager.close()
        try await server.stop()
    }
}
