import NIOCore
import NIOHTTP1

/// The head of a plain WebSocket upgrade request, parsed by a strict,
/// minimal parser: the fast path of a WebSocket handshake.
///
/// Why: NIO's HTTP pipeline (parser, pipelining, upgrade dance, handler
/// removal) costs more CPU and memory than the rest of a WebSocket
/// handshake. Most WebSocket clients send one small, well-formed GET; this
/// parser takes exactly those and answers nil for anything else (a body,
/// folded lines, odd bytes, another version), which then goes through NIO's
/// full HTTP stack as before. Being strict is what makes it safe.
struct UpgradeRequestHead {
    var uri: String
    var headers: HTTPHeaders
    var key: String

    /// Bytes of a request head we look at, at most.
    static let maxLength = 8192
    /// Header lines accepted, at most.
    static let maxHeaders = 64

    /// The index just past the blank line ending the head, if complete.
    static func endOfHead(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            for i in 3..<bytes.count where bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 {
                return i + 1
            }
            return nil
        }
    }

    /// Parses a complete head (request line and headers, ending with an
    /// empty line); nil unless it is a plain HTTP/1.1 WebSocket upgrade GET.
    static func parse(_ head: ByteBuffer) -> UpgradeRequestHead? {
        guard head.readableBytes <= maxLength else { return nil }
        let bytes = Array(head.readableBytesView)
        // Every byte printable ASCII, space, tab, CR or LF.
        for byte in bytes where !(byte >= 0x20 && byte < 0x7F) && byte != 9 && byte != 13 && byte != 10 { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines.removeLast().isEmpty, lines.removeLast().isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine[0] == "GET", requestLine[2] == "HTTP/1.1",
              requestLine[1].first == "/" else { return nil }
        guard lines.count <= maxHeaders else { return nil }
        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count)
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  line.first != " ", line.first != "\t", !line.contains("\n"), !line.contains("\r") else { return nil }
            let name = line[..<colon]
            guard name.utf8.allSatisfy(isTokenCharacter) else { return nil }
            let value = line[line.index(after: colon)...].trimmingSpaces
            headers.add(name: String(name), value: String(value))
        }
        guard headers[canonicalForm: "content-length"].allSatisfy({ $0 == "0" }),
              headers["transfer-encoding"].isEmpty,
              headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }),
              headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }),  // "keep-alive, Upgrade" is split by canonicalForm
              headers["sec-websocket-version"] == ["13"],
              let key = headers.first(name: "sec-websocket-key"), key.utf8.count == 24,
              headers["host"].count == 1
        else { return nil }
        return UpgradeRequestHead(uri: String(requestLine[1]), headers: headers, key: key)
    }

    /// RFC 9110 token characters (header names).
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The NIO request head the Engine.IO checks take.
    var nioHead: HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
