import EngineIOCore
import FuzzSupport
import NIOCore
import ZlibCompression

/// A client's WebSocket frames as the server reads them (masking,
/// fragmentation, control frames, permessage-deflate): every message taken
/// is within the size bound, a text message is valid UTF-8, every failure
/// carries a close code of RFC 6455; and the bytes fed in two pieces give
/// exactly what they give whole.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let whole = outputs(of: [ByteBuffer(bytes: input)])
    for result in whole.outputs {
        switch result {
        case .text(let bytes):
            require(bytes.readableBytes <= maxMessageSize, "text over the bound")
            require(String(validating: bytes.readableBytesView, as: UTF8.self) != nil, "text that is not UTF-8")
        case .binary(let bytes):
            require(bytes.readableBytes <= maxMessageSize, "binary over the bound")
        case .ping(let bytes), .pong(let bytes):
            require(bytes.readableBytes <= 125, "control payload over 125 bytes")
        case .close:
            break
        }
    }
    if let failure = whole.failure {
        require([1002, 1007, 1009, 1011].contains(failure.closeCode), "close code \(failure.closeCode)")
    }
    let split = input.count / 2
    let halves = outputs(of: [ByteBuffer(bytes: input[0..<split]), ByteBuffer(bytes: input[split...])])
    require(halves.outputs == whole.outputs && halves.failure?.closeCode == whole.failure?.closeCode, "split reads differ")
    return 0
}

private let maxMessageSize = 4096

/// Everything an assembler with permessage-deflate gives for `chunks`
/// arriving one after the other, up to the first failure.
private func outputs(of chunks: [ByteBuffer]) -> (outputs: [WebSocketMessageAssembler.Output], failure: WebSocketFailure?) {
    var assembler = WebSocketMessageAssembler(role: .server, maxMessageSize: maxMessageSize, inflater: Inflater())
    var results: [WebSocketMessageAssembler.Output] = []
    var pending = ByteBuffer()
    for var chunk in chunks {
        pending.writeBuffer(&chunk)
        do {
            while let output = try assembler.next(in: &pending) { results.append(output) }
        } catch {
            return (results, error)
        }
    }
    return (results, nil)
}

/// permessage-deflate as the server agrees it (no context takeover).
private struct Inflater: WebSocketMessageInflater {
    let decompressor = PerMessageDeflateDecompressor(windowBits: 15, noContextTakeover: true)

    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer {
        do {
            return try decompressor.decompress(payload, maximumSize: maximumSize)
        } catch .sizeLimitExceeded {
            throw WebSocketFailure(closeCode: 1009, reason: "too big")
        } catch {
            throw WebSocketFailure(closeCode: 1007, reason: "\(error)")
        }
    }
}
