import NIOCore
import Testing

@testable import ZlibCompression

@Suite("permessage-deflate round trips")
struct PerMessageDeflateRoundTripTests {
    static let messages: [(String, [UInt8])] = [
        ("empty", []),
        ("1 byte", [0x41]),
        ("4 KB compressible", TestSupport.compressibleMessage),
        ("1 MB random", TestSupport.randomBytes(count: 1 << 20)),
    ]

    @Test("compressor -> decompressor", arguments: 0..<4)
    func roundTrip(index: Int) throws {
        let (_, message) = Self.messages[index]
        let compressor = PerMessageDeflateCompressor()
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: true)
        let payload = try compressor.compress(TestSupport.buffer(message))
        let restored = try decompressor.decompress(payload, maximumSize: 2 << 20)
        #expect(TestSupport.array(restored) == message)
    }

    @Test("compressor output inflates with zlib directly", arguments: 0..<4)
    func independentDecoder(index: Int) throws {
        let (_, message) = Self.messages[index]
        let payload = try PerMessageDeflateCompressor().compress(TestSupport.buffer(message))
        let inflated = TestSupport.zlibInflate(TestSupport.array(payload), windowBits: -15)
        #expect(inflated == message)
    }

    @Test("compressible data actually shrinks")
    func compresses() throws {
        let payload = try PerMessageDeflateCompressor().compress(TestSupport.buffer(TestSupport.compressibleMessage))
        #expect(payload.readableBytes < TestSupport.compressibleMessage.count / 3)
    }

    @Test("same message twice gives identical bytes (broadcast property)")
    func deterministic() throws {
        let message = TestSupport.buffer(TestSupport.compressibleMessage)
        let compressor = PerMessageDeflateCompressor()
        let first = try compressor.compress(message)
        _ = try compressor.compress(ByteBuffer(string: "something else in between"))
        let second = try compressor.compress(message)
        let third = try PerMessageDeflateCompressor().compress(message)
        #expect(first == second)
        #expect(first == third)
    }

    @Test("context takeover on both sides across many messages")
    func contextTakeover() throws {
        let compressor = PerMessageDeflateCompressor(configuration: .init(noContextTakeover: false))
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: false)
        let message = TestSupport.buffer(TestSupport.compressibleMessage)
        let first = try compressor.compress(message)
        let second = try compressor.compress(message)
        // The second refers back to the first: much smaller.
        #expect(second.readableBytes < first.readableBytes / 4)
        for payload in [first, second, try compressor.compress(message)] {
            #expect(try decompressor.decompress(payload, maximumSize: 1 << 20) == message)
        }
    }

    @Test("smaller windows and other levels round trip", arguments: [9, 10, 12, 15], [0, 1, 6, 9])
    func windowsAndLevels(windowBits: Int, level: Int) throws {
        let compressor = PerMessageDeflateCompressor(
            configuration: .init(windowBits: windowBits, level: level, memoryLevel: 5)
        )
        let decompressor = PerMessageDeflateDecompressor(windowBits: windowBits, noContextTakeover: true)
        let message = TestSupport.compressibleMessage + TestSupport.randomBytes(count: 3000) + TestSupport.compressibleMessage
        let payload = try compressor.compress(TestSupport.buffer(message))
        #expect(TestSupport.array(try decompressor.decompress(payload, maximumSize: 1 << 20)) == message)
        #expect(TestSupport.zlibInflate(TestSupport.array(payload), windowBits: -Int32(windowBits)) == message)
    }

    @Test("zlib state is allocated lazily")
    func lazyAllocation() throws {
        let compressor = PerMessageDeflateCompressor()
        let decompressor = PerMessageDeflateDecompressor()
        #expect(!compressor.isStreamAllocated)
        #expect(!decompressor.isStreamAllocated)
        let empty = try compressor.compress(ByteBuffer())
        #expect(try decompressor.decompress(empty, maximumSize: 10).readableBytes == 0)
        #expect(try decompressor.decompress(ByteBuffer(), maximumSize: 10).readableBytes == 0)
        #expect(!compressor.isStreamAllocated)
        #expect(!decompressor.isStreamAllocated)
        let payload = try compressor.compress(ByteBuffer(string: "hi"))
        _ = try decompressor.decompress(payload, maximumSize: 10)
        #expect(compressor.isStreamAllocated)
        #expect(decompressor.isStreamAllocated)
    }

    @Test("a shared no-context decompressor serves interleaved peers")
    func sharedDecompressor() throws {
        let shared = PerMessageDeflateDecompressor(noContextTakeover: true)
        let peerA = PerMessageDeflateCompressor(configuration: .init(noContextTakeover: true))
        let peerB = PerMessageDeflateCompressor(configuration: .init(windowBits: 10, noContextTakeover: true))
        for round in 0..<5 {
            let a = ByteBuffer(string: "peer A message \(round) " + String(repeating: "a", count: 100 * round))
            let b = ByteBuffer(string: "peer B message \(round) " + String(repeating: "b", count: 100 * round))
            #expect(try shared.decompress(peerA.compress(a), maximumSize: 1 << 16) == a)
            #expect(try shared.decompress(peerB.compress(b), maximumSize: 1 << 16) == b)
        }
    }

    @Test("configuration from negotiated parameters")
    func configurationFromParameters() {
        let parameters = PerMessageDeflateParameters(maxWindowBits: 10, noContextTakeover: true)
        let configuration = PerMessageDeflateCompressor.Configuration(parameters: parameters)
        #expect(configuration.windowBits == 10)
        #expect(configuration.noContextTakeover)
        #expect(configuration.level == 1)
        let decompressor = PerMessageDeflateDecompressor(parameters: parameters)
        #expect(decompressor.windowBits == 10)
        #expect(decompressor.noContextTakeover)
    }
}
