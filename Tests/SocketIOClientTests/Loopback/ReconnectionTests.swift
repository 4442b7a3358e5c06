import NIOCore
import SocketIO
import SocketIOClient
import SocketIOCore
import Testing

/// Our server stopped and started again on the same port, as a deploy does.
@Suite("Reconnection across a server restart")
struct ReconnectionTests {
    @Test("the client reconnects and the emits buffered meanwhile arrive", arguments: TransportMode.allCases)
    func bufferedEmitsArrive(mode: TransportMode) async throws {
        let server = try await InProcessServer.start()
        let manager = try Manager(url: server.url, options: .testing(mode))
        defer { manager.close() }
        let managerEvents = Recorder(recording: manager)
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        try await seen.connected()
        let firstID = socket.id

        try await server.stop()
        let reason = try await seen.disconnected()
        #expect(reason == .transportClose || reason == .transportError)
        socket.emit("message", "while away", 1)
        socket.emit("message", "in order", 2)
        let acked = Recorder<AckResult>()
        socket.emit("message-with-ack", arguments: ["acked later"]) { acked.append($0) }
        _ = try await managerEvents.next(.reconnectAttempt)

        try await server.restart()
        #expect(try await seen.connected() == false)
        #expect(socket.id != firstID)
        #expect(try await seen.event("message-back").arguments == ["while away", 1])
        #expect(try await seen.event("message-back").arguments == ["in order", 2])
        #expect(try await acked.next("ack") { _ in true } == .success(["acked later"]))
        if case .reconnect(let attempt) = try await managerEvents.next(.reconnect) { #expect(attempt >= 1) }
        try await server.stop()
    }

    @Test("connection state recovery: same id, missed events delivered, recovered flag", arguments: [TransportMode.websocket, .polling])
    func stateRecovery(mode: TransportMode) async throws {
        let server = try await InProcessServer.start { configuration in
            configuration.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60))
        }
        let manager = try Manager(url: server.url, options: .testing(mode))
        defer { manager.close() }
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        #expect(try await seen.connected() == false)
        #expect(!socket.recovered)
        let id = socket.id
        try await seen.event("auth")

        server.io.emit("tick", 1)
        #expect(try await seen.event("tick").arguments == [1])  // the offset is not an argument

        try await server.stop()
        _ = try await seen.disconnected()
        server.io.emit("tick", 2)  // missed while away
        try await server.restart()

        #expect(try await seen.connected() == true)
        #expect(socket.recovered)
        #expect(socket.id == id)
        #expect(try await seen.event("tick").arguments == [2])
        #expect(try await socket.emitWithAck("echo", "after recovery") == ["after recovery"])
        try await server.stop()
    }
}

/// Retries against a server that ignores the first delivery of each packet.
@Suite("At-least-once delivery")
struct RetryDeliveryTests {
    @Test("each emit's ack arrives exactly once, in order, though the server dropped the first try")
    func retriesAgainstLossyServer() async throws {
        let firstSeen = Recorder<Int64>()
        let server = try await InProcessServer.start(extra: { socket in
            let seenOnce = NIOLoopBoundBox(Set<Int64>(), eventLoop: socket.eventLoop)
            socket.on("lossy") { event in
                guard let number = event.arguments.first?.int64Value else { return }
                if seenOnce.value.insert(number).inserted {
                    firstSeen.append(number)  // "lost": no ack this time
                } else {
                    event.ack?.send([.int(number)])
                }
            }
        })
        var options = ClientOptions.testing(.websocket)
        // 200 ms without an answer and a try counts as lost: the first try
        // of each emit is. The answer to any later try delivers the emit,
        // even after that try timed out (a loaded machine answers late), so
        // only 150 tries in a row without an answer, 30 s, give up: a
        // safety bound, like the recorder's.
        options.ackTimeout = .milliseconds(200)
        options.retries = 150
        let socket = try io(server.url, options: options)
        defer { socket.disconnect() }
        let results = Recorder<AckResult>()
        socket.open()
        for number in 1...4 {
            socket.emit("lossy", arguments: [.int(Int64(number))]) { results.append($0) }
        }
        for number in 1...4 {
            #expect(try await results.next("ack \(number)") { _ in true } == .success([.int(Int64(number))]))
        }
        #expect(firstSeen.all == [1, 2, 3, 4])
        _ = try await socket.emitWithAck("echo", "drain")
        #expect(results.all.count == 4)
        try await server.stop()
    }
}
