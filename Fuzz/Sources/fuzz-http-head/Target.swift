import FuzzSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import EngineIO

/// The WebSocket handshake's fast path (`UpgradeRequestHead`, a strict
/// parser that skips NIO's HTTP stack for plain upgrade GETs) against NIO's
/// own HTTP parser: whatever the fast path accepts, NIO reads as the same
/// GET with the same URI, the same headers and the same key; a head that
/// the fast path refuses goes to NIO's stack, so only acceptance matters.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let bytes = ByteBuffer(bytes: input)
    guard let end = UpgradeRequestHead.endOfHead(in: bytes),
          let head = UpgradeRequestHead.parse(bytes.getSlice(at: bytes.readerIndex, length: end)!) else { return 0 }
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.writeInbound(bytes.getSlice(at: bytes.readerIndex, length: end)!)
    } catch {
        require(false, "the fast path accepts a head NIO refuses: \(String(buffer: bytes.getSlice(at: 0, length: end)!).debugDescription)")
        return 0
    }
    guard case .head(let nio)? = try? channel.readInbound(as: HTTPServerRequestPart.self) else {
        require(false, "NIO reads no head where the fast path reads one")
        return 0
    }
    require(nio.method == .GET && nio.version == .http1_1, "not a GET/1.1 for NIO")
    require(nio.uri == head.uri, "URI: NIO \(nio.uri.debugDescription), fast path \(head.uri.debugDescription)")
    // RFC 9110 5.5: a field value excludes the whitespace around it. NIO's
    // parser keeps trailing tabs and spaces; the fast path drops them.
    func fields(_ headers: HTTPHeaders) -> [String] { headers.map { "\($0.name.lowercased()):\(trimmed($0.value))" } }
    require(fields(nio.headers) == fields(head.headers), "headers differ: NIO \(nio.headers), fast path \(head.headers)")
    require(nio.headers["sec-websocket-key"].first.map(trimmed) == head.key, "the key differs")
    return 0
}

private func trimmed(_ value: String) -> String {
    var scalars = Substring(value)
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    return String(scalars)
}
