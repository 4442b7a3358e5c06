import NIOCore
import Testing

@testable import ZlibCompression

@Suite("permessage-deflate limits and bad input")
struct PerMessageDeflateLimitTests {
    @Test("zip bomb: 10 MB of zeros with a 1 MB limit fails at the limit")
    func zipBomb() throws {
        let bomb = try PerMessageDeflateCompressor(configuration: .init(level: 9))
            .compress(ByteBuffer(repeating: 0, count: 10 << 20))
        #expect(bomb.readableBytes < 20_000)
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: true)
        #expect(throws: ZlibError.sizeLimitExceeded(limit: 1 << 20)) {
            try decompressor.decompress(bomb, maximumSize: 1 << 20)
        }
        // The output never grew past the limit before the bomb was detected.
        var output = ByteBuffer()
        #expect(throws: ZlibError.sizeLimitExceeded(limit: 1 << 20)) {
            try decompressor.decompress(bomb, maximumSize: 1 << 20, appendingTo: &output)
        }
        #expect(output.readableBytes == 1 << 20)
        #expect(output.capacity <= 1 << 20)
        // And the decompressor is still usable afterwards.
        let small = try PerMessageDeflateCompressor().compress(ByteBuffer(string: "still fine"))
        #expect(try decompressor.decompress(small, maximumSize: 100) == ByteBuffer(string: "still fine"))
    }

    @Test("the limit is exact and the output never grows past it")
    func exactLimit() throws {
        let size = 1 << 20
        let payload = try PerMessageDeflateCompressor().compress(ByteBuffer(repeating: 7, count: size))
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: true)
        let output = try decompressor.decompress(payload, maximumSize: size)
        #expect(output.readableBytes == size)
        #expect(output.capacity <= size)
        #expect(throws: ZlibError.sizeLimitExceeded(limit: size - 1)) {
            try decompressor.decompress(payload, maximumSize: size - 1)
        }
        #expect(throws: ZlibError.sizeLimitExceeded(limit: 0)) {
            try decompressor.decompress(payload, maximumSize: 0)
        }
    }

    @Test("corrupt data fails cleanly", arguments: [
        "ff ff ff ff",
        "07 ff 00",
        "f2 48 cd c9 c9 07 00 ff",
        "00 05 00 00 00 48 65 6c 6c 6f",
    ])
    func corrupt(hex: String) throws {
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: false)
        #expect {
            try decompressor.decompress(TestSupport.buffer(TestSupport.bytes(hex: hex)), maximumSize: 1 << 20)
        } throws: { error in
            guard case .invalidData = error as? ZlibError else { return false }
            return true
        }
        // A valid message afterwards still decodes.
        let hello = TestSupport.buffer(TestSupport.bytes(hex: "f2 48 cd c9 c9 07 00"))
        #expect(try decompressor.decompress(hello, maximumSize: 100) == ByteBuffer(string: "Hello"))
    }

    @Test("random garbage never crashes and never exceeds the limit")
    func garbage() {
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: true)
        for seed in UInt64(1)...200 {
            let garbage = TestSupport.randomBytes(count: Int(seed % 64) + 1, seed: seed)
            // Typed throws: the only possible failure is a ZlibError.
            if let output = try? decompressor.decompress(TestSupport.buffer(garbage), maximumSize: 4096) {
                #expect(output.readableBytes <= 4096)
            }
        }
    }

    @Test("a truncated message is rejected", arguments: [1, 2, 5, 40])
    func truncated(drop: Int) throws {
        let payload = try PerMessageDeflateCompressor().compress(TestSupport.buffer(TestSupport.compressibleMessage))
        var cut = payload
        cut.moveWriterIndex(to: payload.writerIndex - drop)
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: true)
        #expect {
            try decompressor.decompress(cut, maximumSize: 1 << 20)
        } throws: { error in
            guard case .invalidData = error as? ZlibError else { return false }
            return true
        }
    }
}
