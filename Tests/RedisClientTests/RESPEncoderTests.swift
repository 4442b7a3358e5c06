import NIOCore
import RedisClient
import Testing

@Suite("RESP encoder")
struct RESPEncoderTests {
    @Test func commandIsAnArrayOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPEncoder.writeCommand("SET", ["key", RedisArgument(ByteBuffer(bytes: [0, 255])), 60], into: &buffer)
        #expect(Array(buffer.readableBytesView) == bytes("*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$2\r\n") + [0, 255] + bytes("\r\n$2\r\n60\r\n"))
    }

    @Test func commandWithoutArguments() {
        var buffer = ByteBuffer()
        RESPEncoder.writeCommand("PING", [], into: &buffer)
        #expect(String(buffer: buffer) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func multibyteTextCountsBytes() {
        var buffer = ByteBuffer()
        RESPEncoder.writeCommand("ECHO", ["é"], into: &buffer)
        #expect(String(buffer: buffer) == "*2\r\n$4\r\nECHO\r\n$2\r\né\r\n")
    }

    /// Every value the encoder writes decodes back to itself.
    @Test(arguments: everyType)
    func roundTrip(_ entry: RESPCase) throws {
        var buffer = ByteBuffer()
        RESPEncoder.write(entry.value, into: &buffer)
        #expect(try RESPDecoder().decode(&buffer) == entry.value)
        #expect(buffer.readableBytes == 0)
    }

    @Test func encodesTheCaseWire() {
        var buffer = ByteBuffer()
        RESPEncoder.write(.array([.integer(1), bulk("foo"), .simpleString("OK"), .error("ERR x"), .null]), into: &buffer)
        #expect(String(buffer: buffer) == "*5\r\n:1\r\n$3\r\nfoo\r\n+OK\r\n-ERR x\r\n$-1\r\n")
    }
}
