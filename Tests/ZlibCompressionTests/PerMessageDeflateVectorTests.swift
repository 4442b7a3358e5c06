import NIOCore
import Testing

@testable import ZlibCompression

/// The examples of RFC 7692 section 7.2.3.
@Suite("RFC 7692 examples")
struct PerMessageDeflateVectorTests {
    static let hello = Array("Hello".utf8)

    func inflate(_ hex: String, with decompressor: PerMessageDeflateDecompressor = .init()) throws -> [UInt8] {
        TestSupport.array(try decompressor.decompress(TestSupport.buffer(TestSupport.bytes(hex: hex)), maximumSize: 1024))
    }

    @Test("7.2.3.1: \"Hello\" compresses to f2 48 cd c9 c9 07 00")
    func compressHello() throws {
        let payload = try PerMessageDeflateCompressor().compress(ByteBuffer(string: "Hello"))
        #expect(TestSupport.hex(TestSupport.array(payload)) == "f2 48 cd c9 c9 07 00")
    }

    @Test("7.2.3.1: f2 48 cd c9 c9 07 00 decompresses to \"Hello\"")
    func decompressHello() throws {
        #expect(try inflate("f2 48 cd c9 c9 07 00") == Self.hello)
    }

    @Test("7.2.3.2: sharing the sliding window between two messages (decompression)")
    func contextTakeoverDecompression() throws {
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: false)
        #expect(try inflate("f2 48 cd c9 c9 07 00", with: decompressor) == Self.hello)
        #expect(try inflate("f2 00 11 00 00", with: decompressor) == Self.hello)
    }

    @Test("7.2.3.2: the second message needs the first one's window")
    func contextTakeoverNeedsHistory() throws {
        let fresh = PerMessageDeflateDecompressor(noContextTakeover: true)
        #expect(try inflate("f2 48 cd c9 c9 07 00", with: fresh) == Self.hello)
        #expect(throws: ZlibError.self) { try inflate("f2 00 11 00 00", with: fresh) }
    }

    @Test("7.2.3.2: sharing the sliding window between two messages (compression)")
    func contextTakeoverCompression() throws {
        let compressor = PerMessageDeflateCompressor(configuration: .init(noContextTakeover: false))
        let first = try compressor.compress(ByteBuffer(string: "Hello"))
        let second = try compressor.compress(ByteBuffer(string: "Hello"))
        #expect(TestSupport.hex(TestSupport.array(first)) == "f2 48 cd c9 c9 07 00")
        #expect(TestSupport.hex(TestSupport.array(second)) == "f2 00 11 00 00")
    }

    @Test("7.2.3.3: a DEFLATE block with no compression")
    func storedBlock() throws {
        #expect(try inflate("00 05 00 fa ff 48 65 6c 6c 6f 00") == Self.hello)
    }

    @Test("7.2.3.4: a DEFLATE block with BFINAL set, and the window survives it")
    func finalBlock() throws {
        let decompressor = PerMessageDeflateDecompressor(noContextTakeover: false)
        #expect(try inflate("f3 48 cd c9 c9 07 00 00", with: decompressor) == Self.hello)
        #expect(try inflate("f2 00 11 00 00", with: decompressor) == Self.hello)
        // A BFINAL block that ends the payload (sender used Z_FINISH).
        #expect(try inflate("f3 48 cd c9 c9 07 00", with: decompressor) == Self.hello)
        #expect(try inflate("f2 00 11 00 00", with: decompressor) == Self.hello)
    }

    @Test("7.2.3.5: two DEFLATE blocks in one message")
    func twoBlocks() throws {
        #expect(try inflate("f2 48 05 00 00 00 ff ff ca c9 c9 07 00") == Self.hello)
    }

    @Test("7.2.3.6: an empty message is the single byte 00")
    func emptyMessage() throws {
        let payload = try PerMessageDeflateCompressor().compress(ByteBuffer())
        #expect(TestSupport.array(payload) == [0x00])
        #expect(try inflate("00").isEmpty)
    }

    @Test("a payload that still carries its 00 00 ff ff tail is accepted")
    func unstrippedTail() throws {
        #expect(try inflate("f2 48 cd c9 c9 07 00 00 00 ff ff") == Self.hello)
    }
}
