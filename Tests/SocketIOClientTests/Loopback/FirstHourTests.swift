import Foundation
import NIOCore
import NIOPosix
import SocketIOClient
import Testing

/// What a new user does in the first hour, with one import: await the
/// connection, emit Swift values (Data and Codable, with flags), take acks
/// in a trailing closure, retry with new credentials.
@Suite("First hour")
struct FirstHourTests {
    struct Guess: Codable, Sendable, Equatable {
        var word: String
        var sketch: Data
        var tags: [String]
    }

    @Test("try await connect() returns connected; a second call returns at once")
    func awaitedConnect() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.polling))
        try await socket.connect()
        #expect(socket.isConnected)
        #expect(socket.id != nil)
        try await socket.connect()
        socket.disconnect()
        try await server.stop()
    }

    @Test("Data and Codable (with Data inside) out and back, typed acks with chained flags")
    func dataAndCodable() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.websocket))
        try await socket.connect()
        let guess = Guess(word: "swift", sketch: Data([0, 1, 2, 255]), tags: ["a", "b"])

        let typed = try await socket.timeout(.seconds(5)).compress(false).emitWithAck("echo", guess, as: Guess.self)
        #expect(typed == guess)
        let inferred: Guess = try await socket.emitWithAck("echo", guess)
        #expect(inferred == guess)
        let legacy = try await socket.timeout(.seconds(5)).emitWithAck("echo", encoding: guess, decoding: Guess.self)
        #expect(legacy == guess)

        let data = Data("bytes".utf8)
        let answer = try await socket.emitWithAck("echo", "name", data, 42)
        #expect(answer.count == 3)
        #expect(answer[1].dataValue == data)
        #expect(answer[2] == 42)

        // Binary received in an event, read as Data.
        let received = Recorder<ReceivedEvent>()
        socket.on("echo") { received.append($0) }
        socket.emit("echo", data, guess)
        let event = try await received.next("echo") { _ in true }
        #expect(try event.argument(0, as: Data.self) == data)
        #expect(try event.argument(1, as: Guess.self) == guess)
        socket.disconnect()
        try await server.stop()
    }

    @Test("emit(event, a, b) { ack }: trailing-closure acks, Swift values and JSON literals")
    func trailingClosureAck() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.websocket))
        try await socket.connect()
        let results = Recorder<AckResult>()
        socket.emit("echo", "a", 2) { results.append($0) }
        socket.timeout(.seconds(5)).emit("echo", ["mixed": 1, "kinds": "x"]) { results.append($0) }
        let first = try await results.next("first ack") { _ in true }
        #expect(try first.get() == ["a", 2])
        let second = try await results.next("second ack") { _ in true }
        #expect(try second.get() == [["mixed": 1, "kinds": "x"]])
        socket.disconnect()
        try await server.stop()
    }

    @Test("a timeout on a typed ack throws ackTimeout")
    func typedAckTimeout() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.websocket))
        try await socket.connect()
        do {
            _ = try await socket.timeout(.milliseconds(100)).emitWithAck("never-acked", Data([1]), as: String.self)
            Issue.record("an ack that never comes was answered")
        } catch let error as SocketIOClientError {
            #expect(error.code == .ackTimeout)
        }
        socket.disconnect()
        try await server.stop()
    }

    @Test("a refusal is thrown by connect(); new credentials in socket.auth are used by the next connect()")
    func authRetry() async throws {
        let server = try await InProcessServer.start()
        var options = ClientOptions.testing(.polling)
        options.auth = ["token": "wrong"]
        let socket = try io(server.url + "/private", options: options)
        do {
            try await socket.connect()
            Issue.record("connected with a wrong token")
        } catch let error as SocketIOClientError {
            #expect(error.code == .refused)
            #expect(error.message == "unauthorized")
            #expect(error.data?["code"] == 401)
        }
        #expect(!socket.isActive)
        socket.auth = ["token": "secret"]
        try await socket.connect()
        #expect(socket.isConnected)

        struct Credentials: Codable { var token: String }
        socket.auth = try .encoding(Credentials(token: "secret"))
        if case .object(let object)? = socket.auth { #expect(object["token"] == "secret") } else { Issue.record("not an object") }
        #expect(throws: SocketIOClientError.self) { try SocketAuth.encoding("a string") }
        socket.disconnect()
        try await server.stop()
    }

    @Test("connect() throws connectionFailed when no server listens, and connectTimeout after its own timeout")
    func connectFailures() async throws {
        let server = try await InProcessServer.start()
        let port = server.port
        try await server.stop()
        var options = ClientOptions.testing(.polling)
        options.reconnection = false
        let socket = try io("http://127.0.0.1:\(port)", options: options)
        do {
            try await socket.connect()
            Issue.record("connected to a stopped server")
        } catch let error as SocketIOClientError {
            #expect(error.code == .connectionFailed)
        }

        // A server that accepts TCP but never answers: the wait ends at its timeout.
        let silent = try await SilentServer.start()
        let waiting = try io(silent.url, options: options)
        do {
            try await waiting.connect(timeout: .milliseconds(200))
            Issue.record("connected to a silent server")
        } catch let error as SocketIOClientError {
            #expect(error.code == .connectTimeout)
        }
        waiting.disconnect()
        try await silent.stop()
    }

    @Test("disconnect() ends a pending connect() with disconnected; cancellation ends it too")
    func connectEndedByDisconnectOrCancel() async throws {
        let silent = try await SilentServer.start()
        var options = ClientOptions.testing(.polling)
        options.reconnection = false
        let socket = try io(silent.url, options: options)
        async let outcome: SocketIOClientError.Code? = {
            do {
                try await socket.connect()
                return nil
            } catch let error as SocketIOClientError {
                return error.code
            } catch {
                return nil
            }
        }()
        try await Task.sleep(for: .milliseconds(50))
        socket.disconnect()
        #expect(await outcome == .disconnected)

        let task = Task { try await socket.connect() }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        socket.disconnect()
        try await silent.stop()
    }
}

/// Accepts TCP connections and never answers: a handshake that never ends.
struct SilentServer: Sendable {
    let listener: any Channel
    var url: String { "http://127.0.0.1:\(listener.localAddress?.port ?? 0)" }

    static func start() async throws -> SilentServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return SilentServer(listener: listener)
    }

    func stop() async throws {
        try await listener.close()
    }
}
