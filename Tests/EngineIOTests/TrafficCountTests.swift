import NIOCore
import NIOEmbedded
import HuddleTestSupport
import Testing
@testable import EngineIO

/// The packets and bytes each loop counts (`EngineIOTraffic`), on both
/// transports, through EmbeddedChannels.
@Suite struct TrafficCountTests {
    func traffic(_ h: EmbeddedHarness) throws -> EngineIOTraffic {
        let future = h.server.traffic()
        h.loop.run()
        return try future.wait()
    }

    @Test func pollingCountsEachPacketOfAPayloadAndBinaryAsRawBytes() throws {
        let h = EmbeddedHarness()
        let handshake = try h.connection()
        try h.send(handshake, "GET", "EIO=4&transport=polling")
        let open = try #require(try h.response(handshake)).body
        var expected = EngineIOTraffic()
        expected.packetsOut = 1
        expected.bytesOut = UInt64(open.utf8.count)
        #expect(try traffic(h) == expected)

        let sid = String(open.split(separator: "\"")[3])
        let post = try h.connection()
        // "4hello" is 6 bytes; the base64 packet is 4 raw bytes.
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4hello\u{1e}bAQIDBA==")
        #expect(try h.response(post)?.status == 200)
        expected.packetsIn = 2
        expected.bytesIn = 10
        // Both echoed: two packets out, the same sizes.
        expected.packetsOut += 2
        expected.bytesOut += 10
        #expect(try traffic(h) == expected)
    }

    @Test func webSocketCountsTheOpenPacketFramesAndHeartbeats() throws {
        let h = EmbeddedHarness()
        let (client, status, _) = try h.openWebSocket("EIO=4&transport=websocket")
        #expect(status == 101)
        let open = try #require(try h.texts(client).first)
        try h.sendFrame(client, text: "4hi there")
        #expect(try h.texts(client) == ["4hi there"])
        var expected = EngineIOTraffic()
        expected.packetsIn = 1
        expected.bytesIn = 9
        expected.packetsOut = 2
        expected.bytesOut = UInt64(open.utf8.count) + 9
        #expect(try traffic(h) == expected)

        h.loop.advanceTime(by: .milliseconds(300))
        #expect(try h.texts(client) == ["2"])
        try h.sendFrame(client, text: "3")
        expected.packetsOut += 1
        expected.bytesOut += 1
        expected.packetsIn += 1
        expected.bytesIn += 1
        #expect(try traffic(h) == expected)
    }
}
