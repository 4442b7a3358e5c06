import EngineIOCore
import HuddleTestSupport
import NIOCore
import NIOEmbedded
@testable import SocketIOClient
import Testing
import ZlibCompression

/// The client's WebSocket handler through an EmbeddedChannel: server bytes
/// in, messages to the delegate, the client's masked frames out; bad input
/// refused with the close codes the server uses for the same input.
@Suite("WebSocket frame handler")
struct WebSocketFrameHandlerTests {
    @Test("the table both endpoints are held to: the server's suite sends the same input", arguments: WebSocketBadInput.all)
    func refusedWithTheCodeTheServerUses(input: WebSocketBadInput) throws {
        let client = try HandlerUnderTest(deflate: input.deflate)
        client.receive(input.bytes(masked: false))
        let written = try client.written()
        guard case .close(let close)? = written.last else {
            Issue.record("no close frame: \(written)")
            return
        }
        #expect(close.code == input.closeCode)
        #expect(!client.channel.isActive)
        #expect(client.delegate.texts.isEmpty && client.delegate.binaries.isEmpty)
        guard case .webSocketProtocol(let failure)? = client.delegate.failures.first else {
            Issue.record("no failure reported: \(client.delegate.failures)")
            return
        }
        #expect(failure.closeCode == input.closeCode)
    }

    @Test("messages, fragments around a ping, bytes one by one")
    func messages() throws {
        let client = try HandlerUnderTest()
        client.receive(Self.frame(0x81, Array("4hello".utf8)))
        client.receive(Self.frame(0x82, [1, 2, 3]))
        var bytes = Self.frame(0x01, Array("4wor".utf8))
        var ping = Self.frame(0x89, [9, 9])
        var last = Self.frame(0x80, Array("ld".utf8))
        bytes.writeBuffer(&ping)
        bytes.writeBuffer(&last)
        while let byte = bytes.readSlice(length: 1) { client.receive(byte) }
        #expect(client.delegate.texts == ["4hello", "4world"])
        #expect(client.delegate.binaries == [[1, 2, 3]])
        #expect(try client.written() == [.pong(ByteBuffer(bytes: [9, 9]))], "the pong, masked (read by a server's assembler)")
        #expect(client.delegate.failures.isEmpty)
        #expect(client.channel.isActive)
    }

    @Test("a compressed message is inflated")
    func compressed() throws {
        let client = try HandlerUnderTest(deflate: true)
        let message = ByteBuffer(string: "4" + String(repeating: "compress me ", count: 50))
        let deflated = try PerMessageDeflateCompressor(configuration: .init(windowBits: 15, noContextTakeover: true)).compress(message)
        client.receive(Self.frame(0xC1, Array(deflated.readableBytesView)))
        #expect(client.delegate.texts == [String(buffer: message)])
    }

    @Test("the server's close is echoed with its code, then the connection closes", arguments: [[0x03, 0xE8], [0x0F, 0xA0, 0x68, 0x69], []] as [[UInt8]])
    func closeIsEchoed(payload: [UInt8]) throws {
        let client = try HandlerUnderTest()
        client.receive(Self.frame(0x88, payload))
        let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
        #expect(try client.written() == [.close(WebSocketClose(code: code))])
        #expect(!client.channel.isActive)
        #expect(client.delegate.failures.isEmpty)
        #expect(client.delegate.closed)
    }

    @Test("the client's packets go out masked, compressed from the threshold")
    func sending() throws {
        let client = try HandlerUnderTest(deflate: true)
        let big = String(repeating: "x", count: 2000)
        client.handler.send([
            OutgoingEnginePacket(packet: EngineIOPacket(type: .message, text: "hi"), compress: true),
            OutgoingEnginePacket(packet: .binary(ByteBuffer(bytes: [7, 8])), compress: true),
            OutgoingEnginePacket(packet: EngineIOPacket(type: .message, text: big), compress: true),
        ])
        #expect(try client.written() == [
            .text(ByteBuffer(string: "4hi")), .binary(ByteBuffer(bytes: [7, 8])), .text(ByteBuffer(string: "4" + big)),
        ])
        client.handler.close()
        #expect(try client.written() == [.close(WebSocketClose(code: 1000))])
    }

    /// An unmasked frame, as a server writes it.
    static func frame(_ first: UInt8, _ payload: [UInt8]) -> ByteBuffer {
        var out = ByteBuffer(bytes: [first])
        if payload.count < 126 {
            out.writeInteger(UInt8(payload.count))
        } else {
            out.writeInteger(UInt8(126))
            out.writeInteger(UInt16(payload.count))
        }
        out.writeBytes(payload)
        return out
    }
}

/// A ``WebSocketFrameHandler`` alone in an EmbeddedChannel, its reports
/// recorded; what it writes is read back through a server's assembler
/// (which refuses unmasked frames).
private struct HandlerUnderTest {
    let channel: EmbeddedChannel
    let handler: WebSocketFrameHandler
    let delegate = RecordingDelegate()
    private let serverSide: ServerSide

    init(deflate: Bool = false) throws {
        let agreement = PerMessageDeflateAgreement(
            serverToClient: PerMessageDeflateParameters(maxWindowBits: 15, noContextTakeover: true),
            clientToServer: PerMessageDeflateParameters(maxWindowBits: 15, noContextTakeover: true),
            responseHeaderValue: "permessage-deflate"
        )
        let deflater = deflate ? MessageDeflater(agreement: agreement, threshold: 1024) : nil
        handler = WebSocketFrameHandler(delegate: delegate, deflater: deflater, maxMessageBytes: WebSocketBadInput.maxMessageSize)
        channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let inflater = deflate ? ServerInflater() : nil
        serverSide = ServerSide(assembler: WebSocketMessageAssembler(role: .server, maxMessageSize: 1 << 20, inflater: inflater))
    }

    func receive(_ bytes: ByteBuffer) {
        channel.pipeline.fireChannelRead(bytes)
        channel.embeddedEventLoop.run()
    }

    /// What the client wrote since the last call, as a server reads it.
    func written() throws -> [WebSocketMessageAssembler.Output] {
        var bytes = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&part) }
        var outputs: [WebSocketMessageAssembler.Output] = []
        while let output = try serverSide.assembler.next(in: &bytes) { outputs.append(output) }
        #expect(bytes.readableBytes == 0)
        return outputs
    }

    private final class ServerSide {
        var assembler: WebSocketMessageAssembler
        init(assembler: WebSocketMessageAssembler) { self.assembler = assembler }
    }
}

private struct ServerInflater: WebSocketMessageInflater {
    let decompressor = PerMessageDeflateDecompressor(windowBits: 15, noContextTakeover: true)

    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer {
        do {
            return try decompressor.decompress(payload, maximumSize: maximumSize)
        } catch {
            throw WebSocketFailure(closeCode: error.webSocketCloseCode, reason: "\(error)")
        }
    }
}

private final class RecordingDelegate: WebSocketFrameHandlerDelegate {
    var texts: [String] = []
    var binaries: [[UInt8]] = []
    var failures: [TransportFailure] = []
    var closed = false

    func received(text: ByteBuffer) { texts.append(String(buffer: text)) }
    func received(binary: ByteBuffer) { binaries.append(Array(binary.readableBytesView)) }
    func handlerDidBecomeWritable() {}
    func handlerDidClose() { closed = true }
    func handlerDidFail(_ failure: TransportFailure) { failures.append(failure) }
}
