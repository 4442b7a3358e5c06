import EngineIO
import NIOCore
import NIOPosix
import SocketIO
import SocketIOCore
import Synchronization

/// Our server, in this process, serving the conformance contract
/// (shared/conformance-app.md) on a kernel-chosen port; it can be stopped
/// and started again on the same port, keeping its Socket.IO state (the
/// recovery store), as a deploy would.
final class InProcessServer: Sendable {
    let io: SocketIOServer
    let group: any EventLoopGroup
    private let http: Mutex<HTTPServer?>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }

    private init(io: SocketIOServer, group: any EventLoopGroup, http: HTTPServer, port: Int) {
        self.io = io
        self.group = group
        self.http = Mutex(http)
        self.port = port
    }

    /// Starts a conformance server; `configure` may change the options
    /// (ping timing, recovery, deflate) and `extra` may add handlers. It
    /// runs on `group`, NIO's shared singleton unless a heavy test brings
    /// its own (whose work would otherwise delay every other test's).
    static func start(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        configure: (inout SocketIOConfiguration) -> Void = { _ in },
        extra: @escaping @Sendable (SocketIOSocket) -> Void = { _ in }
    ) async throws -> InProcessServer {
        var configuration = SocketIOConfiguration()
        configuration.engine.pingInterval = .seconds(25)
        configure(&configuration)
        let io = SocketIOServer(configuration: configuration, group: group)
        ConformanceHandlers.install(on: io, extra: extra)
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
        guard let port = http.localAddress?.port else { throw ServerError.noPort }
        return InProcessServer(io: io, group: group, http: http, port: port)
    }

    /// Stops listening and closes every session ("server shutting down":
    /// clients see their transport close and reconnect).
    func stop() async throws {
        let running = http.withLock { server -> HTTPServer? in
            defer { server = nil }
            return server
        }
        try await running?.shutdown()
    }

    /// Listens again on the same port with the same Socket.IO server.
    func restart() async throws {
        let server = try await HTTPServer.start(host: "127.0.0.1", port: port, endpoints: [io.engine], group: group)
        http.withLock { $0 = server }
    }

    enum ServerError: Error { case noPort }
}

/// The contract's handlers (the same as Sources/conformance-server).
enum ConformanceHandlers {
    static func install(on io: SocketIOServer, extra: @escaping @Sendable (SocketIOSocket) -> Void) {
        io.onConnection { socket in
            contract(socket)
            extra(socket)
        }
        io.of("/custom").onConnection { socket in
            socket.emit("auth", socket.handshake.auth)
        }
        let privateNamespace = io.of("/private")
        privateNamespace.use { socket, next in
            guard case .string("secret")? = socket.handshake.auth["token"] else {
                return next(SocketIOConnectError("unauthorized", data: ["code": 401]))
            }
            next(nil)
        }
        privateNamespace.onConnection(contract)
    }

    @Sendable static func contract(_ socket: SocketIOSocket) {
        socket.emit("auth", socket.handshake.auth)
        socket.on("message") { event in
            socket.emit("message-back", arguments: event.arguments)
        }
        socket.on("message-with-ack") { event in
            event.ack?.send(event.arguments)
        }
        socket.on("echo") { event in
            if let ack = event.ack {
                ack.send(event.arguments)
            } else {
                socket.emit("echo", arguments: event.arguments)
            }
        }
        socket.on("join") { event in
            if case .string(let room)? = event.arguments.first { socket.join(room) }
            event.ack?.send([])
        }
        socket.on("leave") { event in
            if case .string(let room)? = event.arguments.first { socket.leave(room) }
            event.ack?.send([])
        }
        socket.on("to-room") { event in
            guard case .string(let room)? = event.arguments.first else { return }
            socket.namespace.to(room).emit("room-message", arguments: Array(event.arguments.dropFirst()))
        }
        socket.on("broadcast") { event in
            socket.broadcast.emit("broadcast", arguments: event.arguments)
        }
        socket.on("ask") { event in
            let payload = event.arguments.first ?? .null
            let ack = event.ack
            socket.timeout(.milliseconds(2000)).emit("question", arguments: [payload]) { result in
                switch result {
                case .success(let answer): ack?.send(answer)
                case .failure: ack?.send([["error": "timeout"]])
                }
            }
        }
        socket.on("disconnect-me") { _ in
            socket.disconnect(close: true)
        }
    }
}
