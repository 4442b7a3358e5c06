import EngineIOCore
import NIOCore
@testable import SocketIOClient
import Testing
import ZlibCompression

@Suite("permessage-deflate codec")
struct MessageDeflaterTests {
    private func agreement(serverNoContextTakeover: Bool) -> PerMessageDeflateAgreement {
        PerMessageDeflateAgreement(
            serverToClient: PerMessageDeflateParameters(maxWindowBits: 15, noContextTakeover: serverNoContextTakeover),
            clientToServer: PerMessageDeflateParameters(maxWindowBits: 12, noContextTakeover: false),
            responseHeaderValue: "permessage-deflate"
        )
    }

    @Test("what the client compresses, a server inflates; only from the threshold, only when allowed")
    func compressOutgoing() throws {
        let deflater = MessageDeflater(agreement: agreement(serverNoContextTakeover: true), threshold: 1024)
        #expect(!deflater.shouldCompress(length: 1023, allowed: true))
        #expect(!deflater.shouldCompress(length: 4096, allowed: false))
        #expect(deflater.shouldCompress(length: 1024, allowed: true))
        let message = ByteBuffer(string: "4" + String(repeating: "hello deflate ", count: 500))
        let serverSide = PerMessageDeflateDecompressor(parameters: PerMessageDeflateParameters(maxWindowBits: 12))
        for _ in 0..<3 {  // every message independent: the shared compressor keeps no context
            let compressed = try deflater.compress(message)
            #expect(compressed.readableBytes < message.readableBytes / 10)
            #expect(try serverSide.decompress(compressed, maximumSize: 1 << 20) == message)
        }
    }

    @Test("server messages inflate, with context kept or not, and never beyond the limit", arguments: [true, false])
    func inflateIncoming(serverNoContextTakeover: Bool) throws {
        let deflater = MessageDeflater(agreement: agreement(serverNoContextTakeover: serverNoContextTakeover), threshold: 1024)
        let server = PerMessageDeflateCompressor(configuration: .init(windowBits: 15, noContextTakeover: serverNoContextTakeover))
        let small = ByteBuffer(string: String(repeating: "abc", count: 1000))
        for _ in 0..<2 {
            #expect(try deflater.decompress(try server.compress(small), maximumSize: 10_000) == small)
        }
        let bomb = try PerMessageDeflateCompressor().compress(ByteBuffer(repeating: 0, count: 1_000_000))
        #expect(throws: ZlibError.sizeLimitExceeded(limit: 10_000)) { try deflater.decompress(bomb, maximumSize: 10_000) }
        // As the message assembler sees them: with their close codes.
        for (payload, code) in [(bomb, UInt16(1009)), (ByteBuffer(bytes: [0xFF, 0xFF, 0xFF]), 1007)] {
            do {
                _ = try deflater.inflate(payload, maximumSize: 10_000)
                Issue.record("inflated")
            } catch {
                #expect(error.closeCode == code)
            }
        }
    }
}
