import EngineIOCore
import NIOCore
import NIOHTTP1
import ZlibCompression

/// Compression for one endpoint: gzip/deflate of polling responses over a
/// threshold, and the permessage-deflate agreement of each WebSocket.
struct EndpointCompression: Sendable {
    let configuration: EngineIOConfiguration

    /// Compresses a polling response body when it is at least the threshold
    /// and the client accepts gzip or deflate.
    func compressIfWorthIt(_ response: inout HTTPResponse, requestHeaders: HTTPHeaders) {
        guard let options = configuration.httpCompression,
              response.body.readableBytes >= options.threshold,
              let encoding = HTTPBodyCompression.preferredEncoding(acceptEncoding: requestHeaders[canonicalForm: "accept-encoding"].map(String.init)),
              let compressed = try? HTTPBodyCompression.compress(response.body, encoding: encoding)
        else { return }
        response.body = compressed
        response.headers.replaceOrAdd(name: "Content-Encoding", value: encoding.contentEncodingHeaderValue)
    }

    /// The agreement for a client's offer, or nil to decline (or when
    /// permessage-deflate is off for this endpoint).
    func negotiateDeflate(offer: [String]) -> PerMessageDeflateAgreement? {
        guard configuration.perMessageDeflate != nil, !offer.isEmpty else { return nil }
        return PerMessageDeflateNegotiation.respond(toOffers: offer)
    }
}

/// What permessage-deflate means for one WebSocket connection: whether
/// compressed frames may be sent, and the decompressor of the client's
/// messages (which the connection's message assembler calls).
struct WebSocketDeflateState: WebSocketMessageInflater {
    /// Whether frames compressed by the loop's shared compressor (full
    /// window, no context takeover) may be sent: the client agreed to a
    /// window at least as large. Uncompressed frames are always allowed.
    let sendsCompressed: Bool
    private let inflater: PerMessageDeflateDecompressor

    init(agreement: PerMessageDeflateAgreement) {
        sendsCompressed = agreement.serverToClient.maxWindowBits >= 15 && agreement.serverToClient.noContextTakeover
        inflater = PerMessageDeflateDecompressor(parameters: agreement.clientToServer)
    }

    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer {
        do {
            return try inflater.decompress(payload, maximumSize: maximumSize)
        } catch {
            throw WebSocketFailure(closeCode: error.webSocketCloseCode, reason: "inflate: \(error)")
        }
    }
}

extension EngineIOOutboundPacket {
    /// The same packet with its compressed frame added, when `options` are
    /// set and the payload reaches their threshold. One compression serves
    /// every recipient (no context takeover).
    func addingCompressedFrame(options: PerMessageDeflateOptions?, compressor: PerMessageDeflateCompressor) -> EngineIOOutboundPacket {
        guard compressedFrame == nil, let options else { return self }
        // The payload is the frame without its header.
        let payloadLength = packet.isBinary ? packet.data.readableBytes : packet.data.readableBytes + 1
        guard payloadLength >= options.threshold else { return self }
        let payload = frame.getSlice(at: frame.readerIndex + frame.readableBytes - payloadLength, length: payloadLength) ?? ByteBuffer()
        guard let deflated = try? compressor.compress(payload) else { return self }
        let compressed = WebSocketFrameWriter.frame(opcode: packet.isBinary ? .binary : .text, payload: deflated, compressed: true)
        return EngineIOOutboundPacket(packet: packet, frame: frame, compressedFrame: compressed)
    }
}

import EngineIOCore
