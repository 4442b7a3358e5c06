import NIOCore
import NIOEmbedded
import Testing
import SocketIO
import SocketIOCore
@testable import SocketIOAdminUI

@Suite struct InstrumentTests {
    @Test func instrumentRefusesWhatCannotWork() throws {
        let loop = EmbeddedEventLoop()
        let io = SocketIOServer(group: loop)
        #expect(throws: AdminUIError.invalidPasswordHash) {
            try AdminUI.instrument(io, AdminUIOptions(auth: .basic(username: "admin", passwordHash: "plaintext")))
        }
        var named = AdminUIOptions(auth: .none)
        named.namespaceName = "admin"
        #expect(throws: AdminUIError.invalidNamespaceName("admin")) { try AdminUI.instrument(io, named) }
        let admin = try AdminUI.instrument(io, AdminUIOptions(auth: .basic(username: "admin", passwordHash: try Bcrypt.hash("pw", cost: 4))))
        #expect(throws: AdminUIError.alreadyInstrumented) { try AdminUI.instrument(io, AdminUIOptions(auth: .none)) }
        #expect(io.namespaceNames.contains("/admin"))
        admin.stop()
    }

    @Test func statsAsUpstreamSendsThem() throws {
        let loop = EmbeddedEventLoop()
        let io = SocketIOServer(group: loop)
        io.of("/chat")
        let engine = EngineStatsObserver(loops: [loop])
        let emitter = AdminStatsEmitter(server: io, admin: io.of("/admin"), engineStats: engine, serverId: "srv-1")
        let stats = emitter.stats(events: [["timestamp": 1000, "type": "rawConnection", "count": 1]], clients: 3, polling: 1)
        guard case .object(let object) = stats else { Issue.record("not an object"); return }
        #expect(object.keys == ["serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount", "aggregatedEvents", "namespaces"])
        #expect(object["serverId"] == "srv-1" && object["clientsCount"] == 3 && object["pollingClientsCount"] == 1)
        #expect(object["namespaces"]?.jsonString
            == #"[{"name":"/","socketsCount":0},{"name":"/admin","socketsCount":0},{"name":"/chat","socketsCount":0}]"#)
        #expect(object["aggregatedEvents"]?.jsonString == #"[{"timestamp":1000,"type":"rawConnection","count":1}]"#)
    }

    @Test func eachLoopsBucketsAreDrainedOnce() throws {
        let loop = EmbeddedEventLoop()
        let engine = EngineStatsObserver(loops: [loop])
        let drained = engine.drain(on: loop)
        loop.run()
        #expect(try drained.wait().isEmpty)
    }
}

@Suite struct UptimeTests {
    @Test func theProcessHasRunForAWhileAndTheClockMoves() {
        let uptime = ProcessUptime()
        let first = uptime.seconds
        #if os(Linux)
        #expect(ProcessUptime.processAge() != nil)
        #endif
        #expect(first >= 0 && first < 24 * 3600)
        #expect(uptime.seconds >= first)
    }
}

@Suite struct PendingChecksTests {
    @Test func atMostTheLimitAtOnce() {
        let pending = PendingChecks()
        #expect(pending.enter(limit: 2) && pending.enter(limit: 2))
        #expect(!pending.enter(limit: 2))
        pending.leave()
        #expect(pending.enter(limit: 2))
    }
}
