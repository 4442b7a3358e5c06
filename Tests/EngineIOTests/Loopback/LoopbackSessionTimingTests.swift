import NIOCore
import NIOPosix
import Testing
import EngineIO

/// The Engine.IO echo endpoint as the conformance server wires it, on the
/// real HTTPServer with two event loops, port 0; clients are raw TCP
/// connections on one loop of their own, so the test can write on two
/// connections in one turn (at the same moment, as far as a client can).
struct LoopbackEcho {
    let port: Int
    let clients: any EventLoopGroup
    let http: HTTPServer

    static func with(
        configure: (inout EngineIOConfiguration) -> Void = { _ in },
        limits: HTTPServerLimits = HTTPServerLimits(),
        _ body: (LoopbackEcho) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clients = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = EngineIOConfiguration(path: "/engine.io/")
        configure(&configuration)
        let echo = EngineIOServer(configuration: configuration, group: group) { socket in
            socket.onMessage = { [unowned socket] message in
                switch message {
                case .text(let text): socket.send(packet: .init(type: .message, data: text))
                case .binary(let bytes): socket.send(binary: bytes)
                }
            }
        }
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [echo], group: group, limits: limits)
        let server = LoopbackEcho(port: try #require(http.localAddress?.port), clients: clients, http: http)
        var failure: (any Error)?
        do {
            try await body(server)
        } catch {
            failure = error
        }
        try? await http.shutdown()
        try? await group.shutdownGracefully()
        try? await clients.shutdownGracefully()
        if let failure { throw failure }
    }

    func path(_ query: String) -> String { "/engine.io/?EIO=4&\(query)" }

    func connect() async throws -> RawConnection {
        try await RawConnection.connect(port: port, group: clients)
    }

    /// Runs `writes` in one turn of the clients' loop: the bytes of several
    /// connections leave back to back.
    func together(_ writes: @escaping @Sendable () -> Void) async throws {
        try await clients.next().submit(writes).get()
    }

    /// A polling handshake on a connection of its own; the sid.
    func handshake() async throws -> String {
        let connection = try await connect()
        connection.write(RawConnection.request("GET", path("transport=polling")))
        let answer = try await connection.response("the handshake")
        await connection.close()
        let parts = answer.body.split(separator: "\"")
        guard answer.status == 200, parts.count > 3 else { throw Refused(answer: answer) }
        return String(parts[3])
    }

    /// A GET on a new connection, and its answer.
    func get(_ sid: String) async throws -> RawHTTPResponse {
        let connection = try await connect()
        connection.write(RawConnection.request("GET", path("transport=polling&sid=\(sid)")))
        let answer = try await connection.response()
        await connection.close()
        return answer
    }

    struct Refused: Error {
        let answer: RawHTTPResponse
    }
}

/// Requests of one session racing on several connections, read by two
/// event loops under real timing (issue #12 A). Each test repeats its race
/// and reports every round that went wrong.
@Suite(.serialized) struct LoopbackSessionTimingTests {
    /// "forcefully closes the session": the client's close (a POST `1`) and
    /// its GET leave at the same moment on two connections. Whichever the
    /// server reads first, the GET is released with a noop (200 `6`), never
    /// refused; afterwards the session is gone.
    @Test func aGETAndAClientCloseWrittenAtTheSameMomentOnTwoConnections() async throws {
        let rounds = 200
        var wrong: [String] = []
        try await LoopbackEcho.with { server in
            for round in 0..<rounds {
                let sid = try await server.handshake()
                // Connections are spread over the two loops in turn: the
                // order of connecting alternates which of the GET and the
                // POST is read on the session's own loop.
                let get: RawConnection
                let post: RawConnection
                if round.isMultiple(of: 2) {
                    get = try await server.connect()
                    post = try await server.connect()
                } else {
                    post = try await server.connect()
                    get = try await server.connect()
                }
                let query = server.path("transport=polling&sid=\(sid)")
                try await server.together {
                    get.write(RawConnection.request("GET", query))
                    post.write(RawConnection.request("POST", query, body: "1"))
                }
                let getAnswer = try await get.response("the GET's answer")
                let postAnswer = try await post.response("the POST's answer")
                let later = try await server.get(sid)
                if getAnswer.status != 200 || getAnswer.body != "6" {
                    wrong.append("round \(round): GET got \(getAnswer.status) \(getAnswer.body)")
                }
                if postAnswer.status != 200 || postAnswer.body != "ok" {
                    wrong.append("round \(round): POST got \(postAnswer.status) \(postAnswer.body)")
                }
                if later.status != 400 {
                    wrong.append("round \(round): a later GET got \(later.status) \(later.body)")
                }
                await get.close()
                await post.close()
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers in \(rounds) rounds: \(wrong.prefix(10))")
    }

    /// "successfully upgrades" and "ignores HTTP requests with same sid
    /// after upgrade": `2probe` and `5` leave back to back, then a GET on a
    /// new connection. The GET is refused (400: the session is on its
    /// WebSocket now), the WebSocket reads `3probe` first and then only the
    /// session's own packets (no noop).
    @Test func aGETRightAfterTheUpgradeIsRefusedAndTheWebSocketReadsNoNoop() async throws {
        let rounds = 50
        var wrong: [String] = []
        try await LoopbackEcho.with { server in
            for round in 0..<rounds {
                let sid = try await server.handshake()
                let (ws, opened) = try await RawConnection.webSocket(
                    port: server.port, path: server.path("transport=websocket&sid=\(sid)"), group: server.clients
                )
                guard opened.status == 101 else {
                    wrong.append("round \(round): the probe got \(opened.status)")
                    continue
                }
                try await server.together {
                    ws.sendText("2probe")
                    ws.sendText("5")
                }
                let getAnswer = try await server.get(sid)
                let first = try await ws.frame("3probe")
                ws.sendText("4hello")
                let second = try await ws.frame("the echo")
                if getAnswer.status != 400 {
                    wrong.append("round \(round): GET after 5 got \(getAnswer.status) \(getAnswer.body)")
                }
                if first != .text("3probe") || second != .text("4hello") {
                    wrong.append("round \(round): the WebSocket read \(first), \(second)")
                }
                await ws.close()
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers in \(rounds) rounds: \(wrong.prefix(10))")
    }

    /// As above, but the GET goes on a connection already open (as a
    /// client's keep-alive pool does: the official suite's `fetch` after
    /// `socket.send("5")`), written in the same turn right after `2probe`
    /// and `5`. The session's loop reads the GET while the other loop is
    /// still reading the `5`: "in the order they were read" does not order
    /// them, and the GET is answered 200 `6`. The reference server, on one
    /// thread, reads them in the order they arrived: the `5` first.
    ///
    /// Fails on the code as written at the time (a noop at once to a GET
    /// after `3probe`): the behaviour believed right.
    @Test func aGETOnAnOpenConnectionWrittenRightAfterTheUpgradePacketIsRefused() async throws {
        let rounds = 50
        var wrong: [String] = []
        try await LoopbackEcho.with { server in
            for round in 0..<rounds {
                let sid = try await server.handshake()
                let (ws, opened) = try await RawConnection.webSocket(
                    port: server.port, path: server.path("transport=websocket&sid=\(sid)"), group: server.clients
                )
                guard opened.status == 101 else {
                    wrong.append("round \(round): the probe got \(opened.status)")
                    continue
                }
                let get = try await server.connect()
                let query = server.path("transport=polling&sid=\(sid)")
                try await server.together {
                    ws.sendText("2probe")
                    ws.sendText("5")
                    get.write(RawConnection.request("GET", query))
                }
                let getAnswer = try await get.response("the GET's answer")
                let first = try await ws.frame("3probe")
                ws.sendText("4hello")
                let second = try await ws.frame("the echo")
                if getAnswer.status != 400 {
                    wrong.append("round \(round): GET after 5 got \(getAnswer.status) \(getAnswer.body)")
                }
                if first != .text("3probe") || second != .text("4hello") {
                    wrong.append("round \(round): the WebSocket read \(first), \(second)")
                }
                await ws.close()
                await get.close()
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers in \(rounds) rounds: \(wrong.prefix(10))")
    }

    /// A WebSocket for a session already upgraded: accepted (101), then
    /// closed with 1008; the session goes on on its WebSocket.
    @Test func aWebSocketForAnUpgradedSessionIsAcceptedThenClosed() async throws {
        let rounds = 20
        var wrong: [String] = []
        try await LoopbackEcho.with { server in
            for round in 0..<rounds {
                let sid = try await server.handshake()
                let query = server.path("transport=websocket&sid=\(sid)")
                let (ws, _) = try await RawConnection.webSocket(port: server.port, path: query, group: server.clients)
                ws.sendText("2probe")
                _ = try await ws.frame("3probe")
                ws.sendText("5")
                ws.sendText("4up")
                let echo = try await ws.frame("the echo after the upgrade")
                let (second, answer) = try await RawConnection.webSocket(port: server.port, path: query, group: server.clients)
                if answer.status != 101 {
                    wrong.append("round \(round): a second WebSocket got \(answer.status) \(answer.body)")
                } else {
                    let close = try await second.frame("the close frame")
                    let end = try await second.frame("the end of the connection")
                    if close != .close(1008) || end != .disconnected {
                        wrong.append("round \(round): the second WebSocket read \(close), \(end)")
                    }
                }
                ws.sendText("4still")
                let still = try await ws.frame("the echo after the second WebSocket")
                if echo != .text("4up") || still != .text("4still") {
                    wrong.append("round \(round): the session's WebSocket read \(echo), \(still)")
                }
                await ws.close()
                await second.close()
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers in \(rounds) rounds: \(wrong.prefix(10))")
    }

    /// A message of 1,048,600 characters echoed to a polling client when
    /// maxHttpBufferSize is 4 MiB: more than maxBufferedBytesPerSession
    /// (1 MiB) waits for the GET, within twice maxHttpBufferSize.
    @Test func aMessageOfAMebibyteIsEchoedToAPollingClient() async throws {
        let rounds = 5
        var wrong: [String] = []
        let text = String(repeating: "x", count: 1_048_600)
        try await LoopbackEcho.with(configure: { $0.maxHttpBufferSize = 4_194_304 }) { server in
            for round in 0..<rounds {
                let sid = try await server.handshake()
                let get = try await server.connect()
                let post = try await server.connect()
                let query = server.path("transport=polling&sid=\(sid)")
                try await server.together {
                    get.write(RawConnection.request("GET", query))
                    post.write(RawConnection.request("POST", query, body: "4" + text))
                }
                let postAnswer = try await post.response("the POST's answer")
                let echo = try await get.response("the echo")
                if postAnswer.status != 200 {
                    wrong.append("round \(round): POST got \(postAnswer.status) \(postAnswer.body)")
                }
                if echo.status != 200 || echo.body != "4" + text {
                    wrong.append("round \(round): GET got \(echo.status) \(echo.body.prefix(100)) (\(echo.body.utf8.count) bytes)")
                }
                await get.close()
                await post.close()
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers in \(rounds) rounds: \(wrong.prefix(10))")
    }
}
