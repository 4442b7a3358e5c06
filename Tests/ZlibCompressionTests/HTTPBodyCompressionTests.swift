import NIOCore
import Testing

@testable import ZlibCompression

@Suite("HTTP body compression")
struct HTTPBodyCompressionTests {
    static let bodies: [[UInt8]] = [
        [],
        Array("hello".utf8),
        TestSupport.compressibleMessage,
        TestSupport.randomBytes(count: 300_000),
    ]

    @Test("gzip output has the gzip header and inflates with zlib", arguments: 0..<4)
    func gzip(index: Int) throws {
        let body = Self.bodies[index]
        let compressed = TestSupport.array(try HTTPBodyCompression.compress(TestSupport.buffer(body), encoding: .gzip))
        #expect(Array(compressed.prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(TestSupport.zlibInflate(compressed, windowBits: 31) == body)
    }

    @Test("deflate output is the zlib format and inflates with zlib", arguments: 0..<4)
    func deflate(index: Int) throws {
        let body = Self.bodies[index]
        let compressed = TestSupport.array(try HTTPBodyCompression.compress(TestSupport.buffer(body), encoding: .deflate))
        #expect(compressed.first == 0x78)
        #expect((Int(compressed[0]) << 8 | Int(compressed[1])) % 31 == 0)
        #expect(TestSupport.zlibInflate(compressed, windowBits: 15) == body)
    }

    @Test("compress then decompress", arguments: HTTPBodyCompression.Encoding.allCases, [0, 1, 6, 9])
    func roundTrip(encoding: HTTPBodyCompression.Encoding, level: Int) throws {
        for body in Self.bodies {
            let compressed = try HTTPBodyCompression.compress(TestSupport.buffer(body), encoding: encoding, level: level)
            let restored = try HTTPBodyCompression.decompress(compressed, encoding: encoding, maximumSize: 1 << 20)
            #expect(TestSupport.array(restored) == body)
        }
    }

    @Test("compressible bodies shrink")
    func shrinks() throws {
        let compressed = try HTTPBodyCompression.compress(TestSupport.buffer(TestSupport.compressibleMessage), encoding: .gzip)
        #expect(compressed.readableBytes < TestSupport.compressibleMessage.count / 3)
    }

    @Test("header values")
    func headerValues() {
        #expect(HTTPBodyCompression.Encoding.gzip.contentEncodingHeaderValue == "gzip")
        #expect(HTTPBodyCompression.Encoding.deflate.contentEncodingHeaderValue == "deflate")
    }

    @Test("bad bodies are rejected", arguments: HTTPBodyCompression.Encoding.allCases)
    func badBodies(encoding: HTTPBodyCompression.Encoding) throws {
        let compressed = try HTTPBodyCompression.compress(TestSupport.buffer(TestSupport.compressibleMessage), encoding: encoding)
        var truncated = compressed
        truncated.moveWriterIndex(to: compressed.writerIndex - 3)
        var trailing = compressed
        trailing.writeString("junk")
        var corrupt = compressed
        corrupt.setInteger(UInt8(0xFF), at: 0)
        for bad in [truncated, trailing, corrupt, ByteBuffer()] {
            #expect {
                try HTTPBodyCompression.decompress(bad, encoding: encoding, maximumSize: 1 << 20)
            } throws: { error in
                guard case .invalidData = error as? ZlibError else { return false }
                return true
            }
        }
        // The other format is not accepted either.
        let other: HTTPBodyCompression.Encoding = encoding == .gzip ? .deflate : .gzip
        #expect(throws: ZlibError.self) {
            try HTTPBodyCompression.decompress(compressed, encoding: other, maximumSize: 1 << 20)
        }
    }

    @Test("decompression honours the size limit")
    func sizeLimit() throws {
        let compressed = try HTTPBodyCompression.compress(ByteBuffer(repeating: 0, count: 10 << 20), encoding: .gzip)
        #expect(throws: ZlibError.sizeLimitExceeded(limit: 1 << 20)) {
            try HTTPBodyCompression.decompress(compressed, encoding: .gzip, maximumSize: 1 << 20)
        }
    }
}
