import NIOCore
import NIOEmbedded
import Testing
import HuddleTestSupport
@testable import EngineIO

/// Broadcast packets may wait for a shared flush; direct ones never wait.
@Suite struct FlushCoalescingTests {
    /// The harness's only session.
    func session(_ h: EmbeddedHarness) throws -> EngineIOSocket {
        let shard = h.server.shards[0]
        return try #require(shard.allSessions.first)
    }

    @Test func broadcastPacketsShareADelayedFlush() throws {
        let h = EmbeddedHarness { $0.broadcastFlushDelay = .milliseconds(10) }
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.frames(ws)
        let socket = try session(h)
        socket.send(EngineIOOutboundPacket(text: "a"), broadcast: true)
        socket.send(EngineIOOutboundPacket(text: "b"), broadcast: true)
        #expect(try h.texts(ws) == [], "not flushed yet")
        h.loop.advanceTime(by: .milliseconds(10))
        #expect(try h.texts(ws) == ["4a", "4b"])
    }

    @Test func aDirectPacketTakesWaitingOnesAlong() throws {
        let h = EmbeddedHarness { $0.broadcastFlushDelay = .milliseconds(10) }
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.frames(ws)
        let socket = try session(h)
        socket.send(EngineIOOutboundPacket(text: "a"), broadcast: true)
        socket.send(EngineIOOutboundPacket(text: "direct"))
        #expect(try h.texts(ws) == ["4a", "4direct"])
        h.loop.advanceTime(by: .milliseconds(10))
        #expect(try h.texts(ws) == [])
    }

    @Test func theFramesOfOnePacketShareTheLastOnesFlush() throws {
        let h = EmbeddedHarness()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.frames(ws)
        let socket = try session(h)
        socket.send(EngineIOOutboundPacket(text: "header"), flush: false)
        #expect(try h.frames(ws).isEmpty, "waits for the attachment")
        socket.send(EngineIOOutboundPacket(binary: ByteBuffer(bytes: [1, 2])))
        let frames = try h.frames(ws)
        #expect(frames.count == 2)
        #expect(frames.first?.opcode == 1)
        #expect(frames.last?.opcode == 2)
    }

    @Test func withoutADelayBroadcastsLeaveAtTheEndOfTheTurn() throws {
        let h = EmbeddedHarness()
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.frames(ws)
        let socket = try session(h)
        socket.send(EngineIOOutboundPacket(text: "a"), broadcast: true)
        #expect(try h.texts(ws) == ["4a"])
    }
}

@Suite struct SessionRequestTests {
    @Test func aSessionKeepsItsRequestHeadersButNotTheHandshakeNonce() throws {
        let h = EmbeddedHarness()
        _ = try h.openWebSocket("EIO=4&transport=websocket&name=a%20b")
        let socket = try #require(h.server.shards[0].allSessions.first)
        #expect(socket.request.headers.first(name: "upgrade") == "websocket")
        #expect(socket.request.headers.first(name: "sec-websocket-version") == "13")
        #expect(socket.request.headers.first(name: "sec-websocket-key") == nil)
        #expect(socket.request.query["name"] == "a b")
    }
}

@Suite struct OutboundCopyTests {
    @Test func aCopyHasTheSameBytesInOtherMemory() {
        let original = EngineIOOutboundPacket(text: "hello")
        let copy = original.copiedStorage()
        #expect(copy.frame == original.frame)
        #expect(copy.packet == original.packet)
        let a = original.frame.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
        let b = copy.frame.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
        #expect(a != b)
        let binary = EngineIOOutboundPacket(binary: ByteBuffer(bytes: [1, 2, 3])).copiedStorage()
        #expect(Array(binary.packet.data.readableBytesView) == [1, 2, 3])
        #expect(binary.packet.isBinary)
    }
}
