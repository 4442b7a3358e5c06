import NIOCore
import NIOEmbedded
import HuddleTestSupport
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// Engine.IO v3 sessions (`allowEIO3`) through EmbeddedChannels: the echo
/// endpoint of ``EmbeddedHarness`` (pingInterval 300 ms, pingTimeout 200 ms).
@Suite struct EngineIOv3PollingTests {
    func harness(_ configure: (inout EngineIOConfiguration) -> Void = { _ in }) -> EmbeddedHarness {
        EmbeddedHarness { $0.allowEIO3 = true; configure(&$0) }
    }

    /// A v3 polling session: its sid and the handshake body.
    func open(_ h: EmbeddedHarness, query: String = "EIO=3&transport=polling") throws -> (String, String) {
        let client = try h.connection()
        try h.send(client, "GET", query)
        let answer = try #require(try h.response(client))
        #expect(answer.status == 200)
        return (String(answer.body.split(separator: "\"")[3]), answer.body)
    }

    @Test(arguments: ["EIO=3&transport=polling", "transport=polling", "EIO=2&transport=polling"])
    func withoutAllowEIO3AnythingButEIO4IsRefused(query: String) throws {
        let h = EmbeddedHarness()
        let client = try h.connection()
        try h.send(client, "GET", query)
        let answer = try #require(try h.response(client))
        #expect(answer.status == 400)
        #expect(answer.body == #"{"code":5,"message":"Unsupported protocol version"}"#)
        let ws = try h.connection()
        let upgrade = try ws.upgrade("/engine.io/?\(query.replacingOccurrences(of: "polling", with: "websocket"))")
        #expect(upgrade.status == 400)
        #expect(upgrade.body == #"{"code":5,"message":"Unsupported protocol version"}"#)
    }

    @Test func theHandshakeIsALengthPrefixedOpenPacket() throws {
        let h = harness()
        let (sid, body) = try open(h)
        let json = #"{"sid":"\#(sid)","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}"#
        #expect(body == "\(json.utf8.count + 1):0\(json)", "the reference's v3 OPEN carries maxPayload too")
        #expect(try h.sessionCount() == 1)
    }

    @Test func aV4ClientIsStillServedWhenV3IsAllowed() throws {
        let h = harness()
        let sid = try h.openPolling()
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4a\u{1e}4é")
        #expect(try h.response(post)?.status == 200)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get)?.body == "4a\u{1e}4é")
    }

    @Test func textPayloadsEchoWithUTF16Lengths() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "6:4héllo3:4😀")
        let posted = try #require(try h.response(post))
        #expect(posted.status == 200)
        #expect(posted.body == "ok")
        #expect(h.received[sid] == [.text(ByteBuffer(string: "héllo")), .text(ByteBuffer(string: "😀"))])
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        let answer = try #require(try h.response(get))
        #expect(answer.body == "6:4héllo3:4😀")
        #expect(answer.headers["content-type"] == "text/plain; charset=UTF-8")
    }

    @Test func aBinaryClientGetsBinaryPayloads() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let post = try h.connection()
        // What python-engineio 3.x POSTs: the binary form, as application/octet-stream.
        let body: [UInt8] = [0, 2, 0xFF, 0x34, 0x61] + [1, 4, 0xFF, 4, 1, 2, 3]
        try post.request("POST", "/engine.io/?EIO=3&transport=polling&sid=\(sid)", bytes: body, headers: ["Content-Type: application/octet-stream"])
        #expect(try h.response(post)?.status == 200)
        #expect(h.received[sid] == [.text(ByteBuffer(string: "a")), .binary(ByteBuffer(bytes: [1, 2, 3]))])
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        let answer = try #require(try get.response())
        #expect(answer.bytes == body)
        #expect(answer.headers["content-type"] == "application/octet-stream")
    }

    @Test func aBase64ClientGetsBinaryAsB4() throws {
        let h = harness()
        let (sid, _) = try open(h, query: "EIO=3&transport=polling&b64=1")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "6:b4AQID2:4a")
        #expect(try h.response(post)?.status == 200)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        let answer = try #require(try h.response(get))
        #expect(answer.body == "6:b4AQID2:4a")
        #expect(answer.headers["content-type"] == "text/plain; charset=UTF-8")
    }

    @Test func theClientPingsAndTheServerAnswers() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        h.loop.advanceTime(by: .milliseconds(300))
        #expect(try h.response(get) == nil, "a v3 server never pings")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "1:2")
        #expect(try h.response(post)?.status == 200)
        #expect(try h.response(get)?.body == "1:3")
    }

    @Test func pingsKeepTheSessionPastIntervalPlusTimeout() throws {
        let h = harness()
        let (sid, _) = try open(h)
        for _ in 0..<6 {
            h.loop.advanceTime(by: .milliseconds(300))
            let post = try h.connection()
            try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "1:2")
            #expect(try h.response(post)?.status == 200)
            let get = try h.connection()
            try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
            #expect(try h.response(get)?.body == "1:3")
        }
        #expect(h.closed[sid] == nil, "1.8 s, far past 500 ms, alive on pings")
        h.loop.advanceTime(by: .milliseconds(499))
        #expect(h.closed[sid] == nil)
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(h.closed[sid] == .pingTimeout)
        #expect(try h.sessionCount() == 0)
    }

    @Test func withoutPingsTheSessionTimesOutAndAHeldGetGetsTheClose() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        h.loop.advanceTime(by: .milliseconds(499))
        #expect(h.closed[sid] == nil)
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(h.closed[sid] == .pingTimeout)
        #expect(try h.response(get)?.body == "1:1")
    }

    @Test func aPongFromAV3ClientIsAnError() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "1:3")
        #expect(try h.response(post)?.status == 200)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func clientCloseReleasesTheHeldGetWithAV3Noop() throws {
        let h = harness()
        let (sid, _) = try open(h)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: "1:1")
        #expect(try h.response(get)?.body == "1:6")
        #expect(h.closed[sid] == .transportClose)
    }

    @Test(arguments: ["4hello", "2:4", "x:4a", "2:4😀", "1:7", "6:b4@@@@"])
    func malformedPayloadsAreRefusedAndCloseTheSession(body: String) throws {
        let h = harness()
        let (sid, _) = try open(h)
        let post = try h.connection()
        try h.send(post, "POST", "EIO=3&transport=polling&sid=\(sid)", body: body)
        #expect(try h.response(post)?.status == 400)
        #expect(h.closed[sid] == .parseError)
        #expect(h.received[sid] == nil)
    }

    @Test func malformedBinaryPayloadsAreRefused() throws {
        for body: [UInt8] in [[0, 9, 0xFF, 0x34], [3, 1, 0xFF, 0x36], [1, 2, 0xFF, 2, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 0xFF]] {
            let h = harness()
            let (sid, _) = try open(h)
            let post = try h.connection()
            try post.request("POST", "/engine.io/?EIO=3&transport=polling&sid=\(sid)", bytes: body, headers: ["Content-Type: application/octet-stream"])
            #expect(try h.response(post)?.status == 400, "\(body)")
            #expect(h.closed[sid] == .parseError, "\(body)")
        }
    }
}

@Suite struct EngineIOv3WebSocketTests {
    func harness() -> EmbeddedHarness {
        EmbeddedHarness { $0.allowEIO3 = true }
    }

    @Test func binaryMessagesCarryTheirTypeByteBothWays() throws {
        let h = harness()
        let (ws, status, _) = try h.openWebSocket("EIO=3&transport=websocket")
        #expect(status == 101)
        let open = try h.texts(ws)
        #expect(open.first?.hasPrefix("0{\"sid\":") == true)
        #expect(open.first?.contains("\"upgrades\":[]") == true)
        let sid = String(open[0].split(separator: "\"")[3])
        try ws.send(binary: [4, 1, 2, 3])
        #expect(h.received[sid] == [.binary(ByteBuffer(bytes: [1, 2, 3]))])
        #expect(try ws.messages() == [.binary([4, 1, 2, 3])])
        try h.sendFrame(ws, text: "4héllo")
        #expect(try h.texts(ws) == ["4héllo"], "text is the same as in v4")
        try h.sendFrame(ws, text: "b4AQID")
        #expect(try ws.messages() == [.binary([4, 1, 2, 3])], "base64 text is a binary message")
    }

    @Test func aBase64ClientGetsBinaryAsText() throws {
        let h = harness()
        let (ws, _, _) = try h.openWebSocket("EIO=3&transport=websocket&b64=1")
        _ = try h.texts(ws)
        try ws.send(binary: [4, 0xFF])
        #expect(try ws.messages() == [.text("b4/w==")])
    }

    @Test func heartbeatOverWebSocket() throws {
        let h = harness()
        let (ws, _, _) = try h.openWebSocket("EIO=3&transport=websocket")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        for _ in 0..<4 {
            h.loop.advanceTime(by: .milliseconds(400))
            #expect(try h.texts(ws).isEmpty, "the server never pings in v3")
            try h.sendFrame(ws, text: "2")
            #expect(try h.texts(ws) == ["3"])
        }
        #expect(h.closed[sid] == nil)
        h.loop.advanceTime(by: .milliseconds(500))
        #expect(h.closed[sid] == .pingTimeout)
        #expect(!ws.isActive)
    }

    @Test func aBinaryMessageOfAnotherTypeIsAParseError() throws {
        let h = harness()
        let (ws, _, _) = try h.openWebSocket("EIO=3&transport=websocket")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        try ws.send(binary: [2, 1])
        #expect(h.closed[sid] == .parseError)
    }

    @Test func aV4WebSocketIsUnchangedWhenV3IsAllowed() throws {
        let h = harness()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.texts(ws)
        try ws.send(binary: [4, 1])
        #expect(try ws.messages() == [.binary([4, 1])], "no type byte in v4")
    }

    @Test func upgradeFromPolling() throws {
        let h = harness()
        let client = try h.connection()
        try h.send(client, "GET", "EIO=3&transport=polling")
        let sid = String(try #require(try h.response(client)).body.split(separator: "\"")[3])
        let get = try h.connection()
        try h.send(get, "GET", "EIO=3&transport=polling&sid=\(sid)")
        #expect(try h.response(get) == nil)

        let (ws, status, _) = try h.openWebSocket("EIO=3&transport=websocket&sid=\(sid)")
        #expect(status == 101)
        try h.sendFrame(ws, text: "2probe")
        #expect(try h.texts(ws) == ["3probe"])
        h.loop.advanceTime(by: .milliseconds(100))
        #expect(try h.response(get)?.body == "1:6", "the held GET is released with a v3 noop")

        let post = try h.connection()
        try post.request("POST", "/engine.io/?EIO=3&transport=polling&sid=\(sid)", bytes: [1, 3, 0xFF, 4, 9, 9], headers: ["Content-Type: application/octet-stream"])
        #expect(try h.response(post)?.status == 200)

        try h.sendFrame(ws, text: "5")
        #expect(try ws.messages() == [.binary([4, 9, 9])], "what polling had not delivered, in v3 framing")
        try h.sendFrame(ws, text: "2")
        #expect(try h.texts(ws) == ["3"])
        try ws.send(binary: [4, 7])
        #expect(try ws.messages() == [.binary([4, 7])])
        #expect(h.closed[sid] == nil)
    }

    @Test func aProbeOfAnotherRevisionIsClosed() throws {
        let h = harness()
        let client = try h.connection()
        try h.send(client, "GET", "EIO=3&transport=polling")
        let sid = String(try #require(try h.response(client)).body.split(separator: "\"")[3])
        let (ws, status, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        #expect(status == 101)
        #expect(try h.closeCode(ws) == 1008)
        #expect(h.closed[sid] == nil, "the session goes on polling")
    }
}
