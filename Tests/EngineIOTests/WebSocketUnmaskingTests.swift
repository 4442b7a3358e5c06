import NIOCore
import NIOWebSocket
import Testing
@testable import EngineIO

/// Our word-at-a-time unmasking gives exactly NIO's byte-at-a-time result.
@Suite struct WebSocketUnmaskingTests {
    @Test(arguments: Array(0...41) + [1024, 1027, 65_541])
    func sameBytesAsNIO(length: Int) {
        var generator = SystemRandomNumberGenerator()
        let key = WebSocketMaskingKey.random(using: &generator)
        let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var masked = ByteBuffer(bytes: payload)
        masked.webSocketMask(key)
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: masked)
        #expect(frame.unmaskedPayload == frame.unmaskedData)
        #expect(Array(frame.unmaskedPayload.readableBytesView) == payload)
    }

    @Test func aSliceOfALargerBufferIsUnmaskedFromItsOwnStart() {
        let key: WebSocketMaskingKey = [0x01, 0x02, 0x03, 0x04]
        var buffer = ByteBuffer(bytes: [0xAA, 0xBB, 0xCC] + Array(repeating: 0, count: 11))
        buffer.moveReaderIndex(forwardBy: 3)
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: buffer)
        #expect(Array(frame.unmaskedPayload.readableBytesView) == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3])
    }

    @Test func anUnmaskedFrameIsLeftAlone() {
        let frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "plain"))
        #expect(frame.unmaskedPayload == ByteBuffer(string: "plain"))
    }
}
