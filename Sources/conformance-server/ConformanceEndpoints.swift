import EngineIO
import Logging
import NIOCore
import SocketIO
import SocketIOCore
import RedisClient
import SocketIORedisAdapter
import SocketIOAdminUI

/// The endpoints of the conformance app (shared/conformance-app.md).
struct ConformanceEndpoints {
    let all: [EngineIOServer]

    init(options: ConformanceServer, cluster: RedisCluster?, logger: Logger, group: any EventLoopGroup) throws {
        let echo = EngineIOServer(
            configuration: options.engineConfiguration(path: "/engine.io/"),
            group: group,
            logger: logger
        ) { socket in
            // Every message goes straight back, unchanged, with its type.
            socket.onMessage = { [unowned socket] message in
                switch message {
                case .text(let text): socket.send(packet: .init(type: .message, data: text))
                case .binary(let bytes): socket.send(binary: bytes)
                }
            }
        }
        var configuration = SocketIOConfiguration()
        configuration.engine = options.engineConfiguration(path: "/socket.io/")
        configuration.connectTimeout = .milliseconds(Int64(options.connectTimeout))
        configuration.parser = SocketIOParser(rawValue: options.parser) ?? .default
        if let window = options.stateRecovery {
            configuration.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .milliseconds(Int64(window)))
        }
        if let cluster { configuration.adapter = cluster.makeAdapter(context:) }
        let io = SocketIOServer(configuration: configuration, group: group, logger: logger)
        Self.registerContract(on: io.sockets)
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
        Self.registerContract(on: privateNamespace)
        if var admin = try options.adminOptions() {
            if let redis = options.redisPort {
                // Logins shared by the cluster, as upstream's RedisStore.
                let connection = RedisConnection(
                    configuration: RedisConfiguration(host: options.redisHost, port: redis), eventLoop: group.next(), logger: logger
                )
                admin.sessions = RedisAdminSessionStore(connection: connection, logger: logger)
            }
            try AdminUI.instrument(io, admin, logger: logger)
        }
        all = [echo, io.engine]
    }

    /// The handlers of namespace `/` (and `/private`), row by row,
    /// registered once per namespace (nothing per socket).
    static func registerContract(on namespace: SocketIONamespace) {
        namespace.onConnection { socket in socket.emit("auth", socket.handshake.auth) }
        namespace.on("message") { socket, event in
            socket.emit("message-back", arguments: event.arguments)
        }
        namespace.on("message-with-ack") { _, event in
            event.ack?.send(event.arguments)
        }
        namespace.on("echo") { socket, event in
            if let ack = event.ack {
                ack.send(event.arguments)
            } else {
                socket.emit("echo", arguments: event.arguments)
            }
        }
        namespace.on("join") { socket, event in
            if case .string(let room)? = event.arguments.first { socket.join(room) }
            event.ack?.send([])
        }
        namespace.on("leave") { socket, event in
            if case .string(let room)? = event.arguments.first { socket.leave(room) }
            event.ack?.send([])
        }
        namespace.on("to-room") { socket, event in
            guard case .string(let room)? = event.arguments.first else { return }
            socket.namespace.to(room).emit("room-message", arguments: Array(event.arguments.dropFirst()))
        }
        namespace.on("broadcast") { socket, event in
            socket.broadcast.emit("broadcast", arguments: event.arguments)
        }
        namespace.on("ask") { socket, event in
            let payload = event.arguments.first ?? .null
            let ack = event.ack
            socket.timeout(.milliseconds(2000)).emit("question", arguments: [payload]) { result in
                switch result {
                case .success(let answer): ack?.send(answer)
                case .failure: ack?.send([["error": "timeout"]])
                }
            }
        }
        namespace.on("disconnect-me") { socket, _ in
            socket.disconnect(close: true)
        }
    }
}
