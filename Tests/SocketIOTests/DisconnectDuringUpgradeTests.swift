import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

/// `disconnect(close: true)` while the client upgrades from polling: the
/// client must get the DISCONNECT packet on whichever transport it goes on
/// with (then sees "io server disconnect" and does not reconnect), never
/// only a closed transport (then it would see "transport close" and
/// reconnect). Driven step by step, one connection per request.
@Suite struct DisconnectDuringUpgradeTests {
    func harness() -> SocketIOHarness {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            socket.onDisconnect { reason in log.add("disconnect \(reason.rawValue)") }
            socket.on("close-me") { _ in socket.disconnect(close: true) }
        }
        return h
    }

    /// A polling client joined to `/` whose probe WebSocket got `3probe`.
    func upgrading(_ h: SocketIOHarness) throws -> (sid: String, ws: EmbeddedClient) {
        let (_, sid) = try h.pollingClient()
        let ws = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        #expect(try ws.upgrade("/socket.io/?EIO=4&transport=websocket&sid=\(sid)").status == 101)
        try ws.send(text: "2probe")
        #expect(try ws.texts() == ["3probe"])
        return (sid, ws)
    }

    func request(_ h: SocketIOHarness, _ method: String, _ sid: String, body: String = "") throws -> EmbeddedClient.Response? {
        let client = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        try client.request(method, "/socket.io/?EIO=4&transport=polling&sid=\(sid)", body: body)
        return try client.response()
    }

    @Test func theClientsUpgradeGetsTheDisconnectPacketOverTheWebSocket() throws {
        let h = harness()
        let (sid, ws) = try upgrading(h)
        #expect(try request(h, "POST", sid, body: #"42["close-me"]"#)?.status == 200)
        #expect(h.log.entries == ["disconnect server namespace disconnect"])
        try ws.send(text: "5")
        let frames = try ws.frames()
        #expect(frames.map { $0.opcode == 8 ? "close" : String(buffer: $0.payload) } == ["41", "close"])
        #expect(!ws.isActive)
    }

    @Test func afterTheUpgradeTheDisconnectPacketGoesOverTheWebSocket() throws {
        let h = harness()
        let (sid, ws) = try upgrading(h)
        try ws.send(text: "5")
        #expect(try ws.frames().isEmpty, "no noop on the new WebSocket")
        try ws.send(text: #"42["close-me"]"#)
        #expect(try ws.frames().map { $0.opcode == 8 ? "close" : String(buffer: $0.payload) } == ["41", "close"])
        #expect(try request(h, "GET", sid)?.status == 400)
    }
}

/// `disconnect(close: true)` of a client on polling: the DISCONNECT packet
/// goes in one polling response, the Engine.IO close in the next. In one
/// payload (`41<RS>1`) the official client (4.8.1) handles the close at
/// once and the DISCONNECT a microtask later, so its `disconnect` reason is
/// "transport close" (Tests/Interop/test_browser.py measures it); the
/// reference server always sends them apart. These fail on the code as
/// written at the time (one combined payload): the behaviour believed right.
@Suite struct DisconnectPacketApartFromCloseTests {
    let t = DisconnectDuringUpgradeTests()

    @Test func aHeldGETGetsTheDisconnectPacketAndTheNextGETTheClose() throws {
        let h = t.harness()
        let (_, sid) = try h.pollingClient()
        let held = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        try held.request("GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        #expect(try held.response() == nil)
        #expect(try t.request(h, "POST", sid, body: #"42["close-me"]"#)?.status == 200)
        #expect(try held.response()?.body == "41")
        #expect(try t.request(h, "GET", sid)?.body == "1")
        #expect(try t.request(h, "GET", sid)?.status == 400)
    }

    @Test func betweenProbeAndUpgradeTheNextGETGetsTheDisconnectPacketAndTheOneAfterTheClose() throws {
        let h = t.harness()
        let (sid, ws) = try t.upgrading(h)
        #expect(try t.request(h, "POST", sid, body: #"42["close-me"]"#)?.status == 200)
        let answer = try #require(try t.request(h, "GET", sid))
        #expect(answer.status == 200)
        #expect(answer.body == "41")
        #expect(try t.request(h, "GET", sid)?.body == "1")
        #expect(try ws.closeCode() == 1000)
        #expect(!ws.isActive)
    }

    @Test func aGETHeldDuringTheUpgradeGetsTheDisconnectPacketAndTheUpgradeCompletingClosesTheWebSocket() throws {
        let h = t.harness()
        let (_, sid) = try h.pollingClient()
        let ws = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        #expect(try ws.upgrade("/socket.io/?EIO=4&transport=websocket&sid=\(sid)").status == 101)
        let held = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        try held.request("GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        #expect(try held.response() == nil)
        #expect(try t.request(h, "POST", sid, body: #"42["close-me"]"#)?.status == 200)
        #expect(try held.response()?.body == "41")
        try ws.send(text: "2probe")
        #expect(try ws.texts() == ["3probe"])
        try ws.send(text: "5")
        #expect(try ws.frames().map(\.opcode) == [8])
        #expect(!ws.isActive)
    }
}
