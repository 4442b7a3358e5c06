import NIOCore
import NIOEmbedded
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore
@testable import SocketIOAdminUI

/// The development-mode reports on an embedded loop, read as raw frames by
/// a dashboard without authentication (upstream's `auth: false`).
@Suite struct ReporterTests {
    final class Setup {
        let loop = EmbeddedEventLoop()
        let io: SocketIOServer
        let admin: AdminInstrumentation

        init(configure: (SocketIOServer) -> Void) throws {
            var configuration = SocketIOConfiguration()
            configuration.engine.pingInterval = .seconds(60)
            configuration.engine.pingTimeout = .seconds(60)
            io = SocketIOServer(configuration: configuration, group: loop)
            configure(io)
            admin = try AdminUI.instrument(io, AdminUIOptions(auth: .none))
        }

        /// A client that sent `connect`; its socket id and the frames it got with the CONNECT.
        func client(_ connect: String) throws -> (EmbeddedClient, String, [String]) {
            let client = try EmbeddedClient(loop: loop, endpoints: [io.engine])
            #expect(try client.upgrade("/socket.io/?EIO=4&transport=websocket").status == 101)
            _ = try client.texts()
            try client.send(text: connect)
            loop.run()
            let frames = try client.texts()
            let connected = frames.first { $0.hasPrefix("40") } ?? ""
            let sid = connected.split(separator: "\"").dropFirst(3).first.map(String.init) ?? ""
            return (client, sid, frames)
        }
    }

    /// The admin frames of one event name, without the `42/admin,` prefix.
    static func events(_ frames: [String], _ name: String) -> [String] {
        frames.filter { $0.hasPrefix("42/admin,[\"\(name)\"") }.map { String($0.dropFirst("42/admin,".count)) }
    }

    @Test func dataFromAMiddlewareAndLaterAssignmentsAreReported() throws {
        let setup = try Setup { io in
            io.use { socket, next in
                socket.data = ["fromMiddleware": true]
                next(nil)
            }
            io.sockets.on("count") { socket, _ in
                if case .object(var data) = socket.data {
                    data["count"] = 5
                    socket.data = .object(data)
                }
            }
        }
        let (dashboard, _, _) = try setup.client("40/admin,")
        let (client, sid, _) = try setup.client("40")
        try client.send(text: #"42["count"]"#)
        setup.loop.run()
        let frames = try dashboard.texts()
        let updates = Self.events(frames, "socket_updated")
        #expect(updates == [
            #"["socket_updated",{"id":"\#(sid)","nsp":"/","data":{"fromMiddleware":true}}]"#,
            #"["socket_updated",{"id":"\#(sid)","nsp":"/","data":{"fromMiddleware":true,"count":5}}]"#,
        ])
        // Order as upstream: own room, the middleware's data, connected.
        let mine = frames.filter { $0.contains(sid) }
        #expect(mine.first?.hasPrefix(#"42/admin,["room_joined","/",""#) == true)
        #expect(mine.dropFirst().first?.hasPrefix(#"42/admin,["socket_updated""#) == true)
        #expect(mine.dropFirst(2).first?.hasPrefix(#"42/admin,["socket_connected",{"id":""#) == true)
        #expect(Self.events(frames, "socket_connected").first?.contains(#""data":{"fromMiddleware":true}"#) == true)
        #expect(Self.events(frames, "event_received").first?.hasPrefix(#"["event_received","/","\#(sid)",["count"],""#) == true)
        setup.admin.stop()
    }

    @Test func withoutAuthenticationNoSessionIsSent() throws {
        let setup = try Setup { _ in }
        let (_, sid, frames) = try setup.client("40/admin,")
        #expect(!sid.isEmpty)
        #expect(Self.events(frames, "session").isEmpty)
        #expect(Self.events(frames, "config").count == 1)
        setup.admin.stop()
    }
}
