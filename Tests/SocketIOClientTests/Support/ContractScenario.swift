import NIOCore
import SocketIOClient
import SocketIOCore
import Testing

/// Every row of the conformance contract, against one server, over one
/// transport mode.
enum ContractScenario {
    static func run(url: String, mode: TransportMode, peer: PeerKind) async throws {
        let manager = try Manager(url: url, options: .testing(mode))
        defer { manager.close() }
        let managerEvents = Recorder(recording: manager)
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.on("question") { event in event.ack?("answer", event.arguments.first ?? nil) }
        socket.open()

        try await seen.connected()
        #expect(socket.id != nil)
        #expect(try await seen.event("auth").arguments == [[:]])
        if mode == .upgrade {
            #expect(try await managerEvents.next(.upgrade) == .upgrade(.websocket))
            #expect(manager.transport == .websocket)
        } else {
            #expect(manager.transport == mode.transports[0])
        }

        // message: binary at any depth comes back as binary.
        let bytes = ByteBuffer(bytes: [0, 1, 2, 254, 255])
        let nested: JSONValue = ["list": [1, .binary(bytes), ["deep": .binary(ByteBuffer(bytes: [7]))]], "text": "é"]
        socket.emit("message", 1, "two", nested, .binary(bytes))
        #expect(try await seen.event("message-back").arguments == [1, "two", nested, .binary(bytes)])

        // message-with-ack, echo with and without ack.
        #expect(try await socket.emitWithAck("message-with-ack", "a", .binary(bytes)) == ["a", .binary(bytes)])
        socket.emit("echo", "no ack", ["k": true])
        #expect(try await seen.event("echo").arguments == ["no ack", ["k": true]])
        #expect(try await socket.timeout(.seconds(10)).emitWithAck("echo", 5, nested) == [5, nested])

        // Rooms: join, to-room (sender included), leave.
        #expect(try await socket.emitWithAck("join", "lobby") == [])
        socket.emit("to-room", "lobby", "hello room", .binary(bytes))
        #expect(try await seen.event("room-message").arguments == ["hello room", .binary(bytes)])
        #expect(try await socket.emitWithAck("leave", "lobby") == [])
        socket.emit("to-room", "lobby", "nobody")
        _ = try await socket.emitWithAck("echo", "sentinel")
        #expect(!seen.all.contains { if case .event("room-message", ["nobody"], _) = $0 { return true }; return false })

        // ask: the server's question, answered by this client's ack. The
        // server waits 2000 ms for that answer (the contract's timeout, not
        // a test's), then answers {"error":"timeout"}; a loaded machine can
        // take longer, so a timed-out ask is asked again (the late answer
        // to the earlier question is dropped by the server: each ask has its
        // own payload). 15 asks, 30 s: a safety bound.
        var asks = 0
        var answer: [JSONValue] = []
        repeat {
            asks += 1
            answer = try await socket.emitWithAck("ask", ["q": .int(Int64(asks))])
        } while answer == [["error": "timeout"]] && asks < 15
        #expect(answer == ["answer", ["q": .int(Int64(asks))]])

        // broadcast reaches the other client only.
        let other = try Manager(url: url, options: .testing(mode))
        defer { other.close() }
        let otherSocket = other.socket("/")
        let otherSeen = Recorder(recording: otherSocket)
        otherSocket.open()
        try await otherSeen.connected()
        otherSocket.emit("broadcast", "to all", .binary(bytes))
        #expect(try await seen.event("broadcast").arguments == ["to all", .binary(bytes)])
        _ = try await otherSocket.emitWithAck("echo", "sentinel")
        #expect(!otherSeen.all.contains { if case .event("broadcast", _, _) = $0 { return true }; return false })

        // Multiplexed namespaces on the same connection.
        let custom = manager.socket("/custom", options: SocketOptions(auth: ["user": "ann"]))
        let customSeen = Recorder(recording: custom)
        custom.open()
        try await customSeen.connected()
        #expect(try await customSeen.event("auth").arguments == [["user": "ann"]])
        #expect(custom.manager === manager)

        // /private refuses without the token, with the server's message and data.
        let refused = manager.socket("/private")
        let refusedSeen = Recorder(recording: refused)
        refused.open()
        let error = try await refusedSeen.connectError()
        #expect(error.code == .refused)
        #expect(error.message == "unauthorized")
        #expect(error.data == ["code": 401])
        #expect(!refused.isActive)

        // /private admits the token, and answers like `/`.
        let admitted = other.socket("/private", options: SocketOptions(auth: ["token": "secret"]))
        let admittedSeen = Recorder(recording: admitted)
        admitted.open()
        try await admittedSeen.connected()
        #expect(try await admittedSeen.event("auth").arguments == [["token": "secret"]])
        #expect(try await admitted.emitWithAck("echo", "private") == ["private"])

        // The other sockets still work after all this.
        #expect(try await custom.manager.socket("/").emitWithAck("echo", "still here") == ["still here"])

        // disconnect-me: "io server disconnect", and no reconnection.
        otherSocket.emit("disconnect-me")
        let reason = try await otherSeen.disconnected()
        #expect(reason == .ioServerDisconnect)
        #expect(!otherSocket.isActive)
    }
}
