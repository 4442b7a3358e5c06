import NIOCore
import NIOEmbedded
import HuddleTestSupport
import Testing
@testable import EngineIO

/// WebSocket sessions and the upgrade from polling, through EmbeddedChannels.
@Suite struct WebSocketTransportTests {
    @Test func directWebSocketHandshakeAndEcho() throws {
        let h = EmbeddedHarness()
        let (ws, status, _) = try h.openWebSocket("EIO=4&transport=websocket")
        #expect(status == 101)
        let open = try h.texts(ws)
        #expect(open.count == 1)
        #expect(open[0].hasPrefix("0{\"sid\":"))
        #expect(open[0].contains("\"upgrades\":[]"))
        try h.sendFrame(ws, text: "4hello")
        #expect(try h.texts(ws) == ["4hello"])
        try ws.send(frame: EmbeddedClient.frame(.binary, [1, 2, 3]))
        let frames = try h.frames(ws)
        #expect(frames.map(\.opcode) == [2])
        #expect(Array(frames[0].payload.readableBytesView) == [1, 2, 3])
    }

    @Test func upgradeInTheMiddleOfAPendingPoll() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get) == nil)

        let (ws, status, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        #expect(status == 101)
        try h.sendFrame(ws, text: "2probe")
        #expect(try h.texts(ws) == ["3probe"])
        #expect(try h.response(get) == nil, "held a little longer, in case the 5 comes first")
        h.loop.advanceTime(by: .milliseconds(100))
        #expect(try h.response(get)?.body == "6", "then released with a noop")

        // still polling until the upgrade packet: a POST is answered by polling
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4during")
        #expect(try h.response(post)?.status == 200)

        try h.sendFrame(ws, text: "5")
        // what polling had not delivered comes first; nothing else (the
        // reference never writes a noop on the new transport)
        #expect(try h.texts(ws) == ["4during"])
        try h.sendFrame(ws, text: "4after")
        #expect(try h.texts(ws) == ["4after"])

        let late = try h.connection()
        try h.send(late, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(late)?.status == 400)
        // Another WebSocket for the upgraded session is accepted, then
        // closed (as the reference does); the session goes on.
        let (second, secondStatus, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        #expect(secondStatus == 101)
        #expect(try h.closeCode(second) == 1008)
        #expect(h.closed[sid] == nil)
        try h.sendFrame(ws, text: "4still")
        #expect(try h.texts(ws) == ["4still"])
    }

    @Test func heartbeatsMoveToTheWebSocketAfterUpgrade() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        try h.sendFrame(ws, text: "2probe")
        try h.sendFrame(ws, text: "5")
        #expect(try h.texts(ws) == ["3probe"])
        h.loop.advanceTime(by: .milliseconds(300))
        #expect(try h.texts(ws) == ["2"])
        try h.sendFrame(ws, text: "3")
        h.loop.advanceTime(by: .milliseconds(300))
        #expect(try h.texts(ws) == ["2"])
        h.loop.advanceTime(by: .milliseconds(200))
        #expect(h.closed[sid] == .pingTimeout)
        #expect(!ws.isActive)
    }

    @Test func closeDuringUpgradeDropsTheProbe() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        try h.sendFrame(ws, text: "2probe")
        #expect(try h.texts(ws) == ["3probe"])
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "1")
        #expect(try h.response(post)?.status == 200)
        #expect(h.closed[sid] == .transportClose)
        #expect(!ws.isActive, "the probing WebSocket is closed with the session")
    }

    @Test func anUpgradeThatNeverCompletesTimesOut() throws {
        let h = EmbeddedHarness { $0.upgradeTimeout = .milliseconds(100); $0.pingInterval = .seconds(60) }
        let sid = try h.openPolling()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        try h.sendFrame(ws, text: "2probe")
        h.loop.advanceTime(by: .milliseconds(100))
        #expect(!ws.isActive)
        #expect(h.closed[sid] == nil, "the session goes on polling")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4still")
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get)?.body == "4still")
    }

    @Test func clientCloseFrameEndsTheSession() throws {
        let h = EmbeddedHarness()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        try ws.send(frame: EmbeddedClient.frame(.connectionClose, [0x03, 0xE8]))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1000)
        #expect(h.closed[sid] == .transportClose)
        #expect(try h.sessionCount() == 0)
    }

    @Test func aResetMidSessionIsATransportClose() throws {
        let h = EmbeddedHarness()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        ws.channel.pipeline.fireErrorCaught(IOError(errnoCode: 104, reason: "read"))  // ECONNRESET
        h.loop.run()
        #expect(h.closed[sid] == .transportError)
        #expect(try h.sessionCount() == 0)
    }
}

/// Bad WebSocket input: each case ends in a clean close with the right code.
@Suite struct WebSocketBadInputTests {
    func session(_ configure: (inout EngineIOConfiguration) -> Void = { _ in }) throws -> (EmbeddedHarness, EmbeddedClient, String) {
        let h = EmbeddedHarness(configure: configure)
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        return (h, ws, sid)
    }

    /// The table both endpoints are held to (the client's suite sends the
    /// same input to the client and expects the same codes).
    @Test(arguments: WebSocketBadInput.all)
    func refusedWithTheCodeTheClientUses(input: WebSocketBadInput) throws {
        let h = EmbeddedHarness {
            $0.maxHttpBufferSize = WebSocketBadInput.maxMessageSize
            if input.deflate { $0.perMessageDeflate = PerMessageDeflateOptions() }
        }
        let (ws, _, headers) = try h.openWebSocket("EIO=4&transport=websocket", extensions: input.deflate ? "permessage-deflate" : nil)
        #expect((headers["sec-websocket-extensions"] != nil) == input.deflate)
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        _ = try? ws.send(frame: input.bytes(masked: true))
        h.loop.run()
        #expect(try h.closeCode(ws) == input.closeCode)
        #expect(!ws.isActive)
        #expect(h.closed[sid] == .transportError)
        #expect(h.received[sid] == nil)
    }

    @Test func unmaskedClientFrame() throws {
        let (h, ws, sid) = try session()
        try ws.send(frame: EmbeddedClient.frame(.text, Array("4x".utf8), masked: false))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1002)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func invalidUTF8InATextFrame() throws {
        let (h, ws, sid) = try session()
        try ws.send(frame: EmbeddedClient.frame(.text, [0x34, 0xC0, 0xAF]))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1007)
        #expect(h.closed[sid] == .transportError)
        #expect(h.received[sid] == nil)
    }

    @Test func oversizedMessage() throws {
        let (h, ws, sid) = try session { $0.maxHttpBufferSize = 1000 }
        try ws.send(frame: EmbeddedClient.frame(.text, [0x34] + Array(repeating: 0x61, count: 1000)))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1009)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func oversizedFragmentedMessage() throws {
        let (h, ws, sid) = try session { $0.maxHttpBufferSize = 1000 }
        try ws.send(frame: EmbeddedClient.frame(.text, [0x34] + Array(repeating: 0x61, count: 600), fin: false))
        try ws.send(frame: EmbeddedClient.frame(.continuation, Array(repeating: 0x61, count: 600)))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1009)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func framesSplitAcrossReadsAndSeveralInOneReadAllArrive() throws {
        let (h, ws, sid) = try session()
        var bytes = EmbeddedClient.frame(.text, Array("4first".utf8))
        var second = EmbeddedClient.frame(.binary, Array(repeating: 7, count: 300))
        bytes.writeBuffer(&second)
        // One byte per read: every cut (header, mask, payload) is met.
        while let byte = bytes.readSlice(length: 1) {
            try ws.send(frame: byte)
        }
        // Then two whole frames in one read.
        var both = EmbeddedClient.frame(.text, Array("4a".utf8))
        var next = EmbeddedClient.frame(.text, Array("4b".utf8))
        both.writeBuffer(&next)
        try ws.send(frame: both)
        let frames = try h.frames(ws)
        #expect(frames.map(\.opcode) == [1, 2, 1, 1])
        #expect(String(buffer: frames[0].payload) == "4first")
        #expect(Array(frames[1].payload.readableBytesView) == Array(repeating: 7, count: 300))
        #expect(frames.suffix(2).map { String(buffer: $0.payload) } == ["4a", "4b"])
        #expect(h.closed[sid] == nil)
    }

    @Test func aControlFrameOver125BytesIsAProtocolError() throws {
        let (h, ws, sid) = try session()
        try ws.send(frame: EmbeddedClient.frame(.ping, Array(repeating: 1, count: 126)))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1002)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func fragmentedMessagesAreJoined() throws {
        let (h, ws, sid) = try session()
        try ws.send(frame: EmbeddedClient.frame(.text, Array("4hel".utf8), fin: false))
        try ws.send(frame: EmbeddedClient.frame(.ping, [9]))
        try ws.send(frame: EmbeddedClient.frame(.continuation, Array("lo".utf8)))
        h.loop.run()
        let frames = try h.frames(ws)
        #expect(frames.map(\.opcode) == [0xA, 1], "pong between fragments, then the echo")
        #expect(String(buffer: frames[1].payload) == "4hello")
        #expect(h.closed[sid] == nil)
    }

    @Test(arguments: [
        EmbeddedClient.frame(.continuation, Array("x".utf8)),
        EmbeddedClient.frame(.text, Array("4x".utf8), rsv1: true),
    ])
    func protocolViolations(frame: ByteBuffer) throws {
        let (h, ws, sid) = try session()
        try ws.send(frame: frame)
        h.loop.run()
        #expect(try h.closeCode(ws) == 1002)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func garbageBytes() throws {
        let (h, ws, sid) = try session()
        // reserved opcode 0x3 with RSV2/RSV3 set
        _ = try? ws.send(frame: ByteBuffer(bytes: [0xB3, 0x80, 1, 2, 3, 4]))
        h.loop.run()
        #expect(!ws.isActive)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func aPacketThatIsNotEngineIO() throws {
        let (h, ws, sid) = try session()
        try h.sendFrame(ws, text: "abc")
        #expect(h.closed[sid] == .parseError)
        #expect(!ws.isActive)
    }

    @Test func aClientPingIsAProtocolError() throws {
        let (h, ws, sid) = try session()
        try h.sendFrame(ws, text: "2")
        #expect(h.closed[sid] == .transportError)
        #expect(!ws.isActive)
    }

    @Test func upgradeOfAnUnknownSessionIsRefused() throws {
        let h = EmbeddedHarness()
        let (_, status, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA")
        #expect(status == 400)
        let (_, wellFormed, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAA")
        #expect(wellFormed == 400)
    }

    @Test func anythingButTheProbeAbortsTheUpgrade() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket&sid=\(sid)")
        try h.sendFrame(ws, text: "4sneaky")
        #expect(!ws.isActive)
        #expect(h.closed[sid] == nil)
        #expect(h.received[sid] == nil)
    }
}

/// The handshake has a fast path for plain upgrade requests and falls back
/// to NIO's HTTP stack for anything else: both must work.
@Suite struct HandshakePathTests {
    @Test(arguments: [
        ["Connection: keep-alive, Upgrade"],                            // Firefox's header, fast path
        ["X-Padding: " + String(repeating: "p", count: 9000)],          // past the fast path's 8 KiB: NIO
        ["Content-Length: 0", "X-Forwarded-For: 10.0.0.1"],
    ])
    func upgradeWorksOnEitherPath(extra: [String]) throws {
        let h = EmbeddedHarness()
        let client = try h.connection()
        var headers = ["Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"] + extra
        if !extra.contains(where: { $0.hasPrefix("Connection:") }) { headers.append("Connection: Upgrade") }
        try client.request("GET", "/engine.io/?EIO=4&transport=websocket", headers: headers)
        let answer = try #require(try client.response())
        #expect(answer.status == 101)
        #expect(answer.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(try client.texts().first?.hasPrefix("0{") == true)
        try client.send(text: "4hi")
        #expect(try client.texts() == ["4hi"])
    }

    @Test func aRequestArrivingInPiecesIsAssembled() throws {
        let h = EmbeddedHarness()
        let client = try h.connection()
        let request = "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        for byte in request.utf8 {
            try client.channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        h.loop.run()
        #expect(try client.response()?.status == 101)
    }

    @Test func aRefusedFastUpgradeGetsTheReferenceError() throws {
        let h = EmbeddedHarness()
        let client = try h.connection()
        let answer = try client.upgrade("/engine.io/?EIO=3&transport=websocket")
        #expect(answer.status == 400)
        #expect(answer.body == #"{"code":5,"message":"Unsupported protocol version"}"#)
    }
}
