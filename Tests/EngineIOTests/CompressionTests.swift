import NIOCore
import NIOEmbedded
import HuddleTestSupport
import Testing
import ZlibCompression
@testable import EngineIO

/// permessage-deflate with its per-message switch, and gzip of polling
/// responses, through EmbeddedChannels.
@Suite struct CompressionTests {
    let big = "4" + String(repeating: "compressible text ", count: 100)

    @Test func perMessageSwitch() throws {
        let h = EmbeddedHarness { $0.perMessageDeflate = PerMessageDeflateOptions(threshold: 1024) }
        let (ws, status, headers) = try h.openWebSocket("EIO=4&transport=websocket", extensions: "permessage-deflate; client_max_window_bits")
        #expect(status == 101)
        #expect(headers["sec-websocket-extensions"] == "permessage-deflate; server_no_context_takeover")
        _ = try h.frames(ws)
        try h.sendFrame(ws, text: big)
        try h.sendFrame(ws, text: "4plain:" + String(repeating: "compressible text ", count: 100))
        try h.sendFrame(ws, text: "4short")
        let frames = try h.frames(ws)
        #expect(frames.map(\.rsv1) == [true, false, false])
        let inflated = try PerMessageDeflateDecompressor().decompress(frames[0].payload, maximumSize: 1 << 20)
        #expect(String(buffer: inflated) == big)
        #expect(frames[0].payload.readableBytes < big.utf8.count / 4)
    }

    @Test func noCompressionWithoutAnOffer() throws {
        let h = EmbeddedHarness { $0.perMessageDeflate = PerMessageDeflateOptions() }
        let (ws, _, headers) = try h.openWebSocket("EIO=4&transport=websocket")
        #expect(headers["sec-websocket-extensions"] == nil)
        _ = try h.frames(ws)
        try h.sendFrame(ws, text: big)
        #expect(try h.frames(ws).map(\.rsv1) == [false])
    }

    @Test func aDeflateBombIsRefused() throws {
        let h = EmbeddedHarness { $0.perMessageDeflate = PerMessageDeflateOptions(); $0.maxHttpBufferSize = 10_000 }
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket", extensions: "permessage-deflate")
        let sid = String(try h.texts(ws)[0].split(separator: "\"")[3])
        let compressor = PerMessageDeflateCompressor()
        let bomb = try compressor.compress(ByteBuffer(string: "4" + String(repeating: "0", count: 1_000_000)))
        #expect(bomb.readableBytes < 10_000)
        try ws.send(frame: EmbeddedClient.frame(.text, Array(bomb.readableBytesView), rsv1: true))
        h.loop.run()
        #expect(try h.closeCode(ws) == 1009)
        #expect(h.closed[sid] == .transportError)
    }

    @Test func pollingResponsesAreGzippedOverTheThreshold() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: big)
        _ = try h.response(post)
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)", headers: ["Accept-Encoding: gzip, deflate"])
        let bytes = try h.output(get)
        let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
        #expect(text.contains("Content-Encoding: gzip"))
        let bodyStart = try #require(bytes.readableBytesView.firstRange(of: [13, 10, 13, 10])).upperBound
        let body = ByteBuffer(bytes: bytes.readableBytesView[bodyStart...])
        #expect(Array(body.readableBytesView.prefix(2)) == [0x1F, 0x8B])
        let plain = try HTTPBodyCompression.decompress(body, encoding: .gzip, maximumSize: 1 << 20)
        #expect(String(buffer: plain) == big)
    }

    @Test func smallPollingResponsesAreNotCompressed() throws {
        let h = EmbeddedHarness()
        let channel = try h.connection()
        try h.send(channel, "GET", "EIO=4&transport=polling", headers: ["Accept-Encoding: gzip"])
        let answer = try #require(try h.response(channel))
        #expect(answer.headers["content-encoding"] == nil)
        #expect(answer.body.hasPrefix("0{"))
    }
}
