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
    /// Works on the bytes (no `Character` handling): it runs per handshake.
    static func parse(_ head: ByteBuffer) -> UpgradeRequestHead? {
        guard head.readableBytes <= maxLength else { return nil }
        return head.withUnsafeReadableBytes { bytes -> UpgradeRequestHead? in
            // Every byte printable ASCII, space, tab, CR or LF; CR only before LF.
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x20 && byte < 0x7F || byte == 9 { continue }
                if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { continue }
                if byte == 10, index > 0, bytes[index - 1] == 13 { continue }
                return nil
            }
            var lines: [Range<Int>] = []
            var start = 0
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == 13 {
                    lines.append(start..<index)
                    index += 2
                    start = index
                } else {
                    index += 1
                }
            }
            // The request line, the headers, then the empty line ending the head.
            guard start == bytes.count, lines.count >= 2, lines.last!.isEmpty else { return nil }
            lines.removeLast()
            guard lines.count - 1 <= maxHeaders else { return nil }
            guard let uri = requestTarget(UnsafeRawBufferPointer(rebasing: bytes[lines[0]])) else { return nil }
            var headers = HTTPHeaders()
            headers.reserveCapacity(lines.count - 1)
            for line in lines.dropFirst() {
                let field = UnsafeRawBufferPointer(rebasing: bytes[line])
                guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                      field[..<colon].allSatisfy(isTokenCharacter) else { return nil }
                var valueStart = colon + 1
                var valueEnd = field.count
                while valueStart < valueEnd, field[valueStart] == 32 || field[valueStart] == 9 { valueStart += 1 }
                while valueEnd > valueStart, field[valueEnd - 1] == 32 || field[valueEnd - 1] == 9 { valueEnd -= 1 }
                headers.add(
                    name: String(decoding: field[..<colon], as: UTF8.self),
                    value: String(decoding: field[valueStart..<valueEnd], as: UTF8.self)
                )
            }
            guard headers[canonicalForm: "content-length"].allSatisfy({ $0 == "0" }),
                  headers["transfer-encoding"].isEmpty,
                  headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }),
                  // "keep-alive, Upgrade" is split by canonicalForm
                  headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }),
                  headers["sec-websocket-version"] == ["13"],
                  let key = headers.first(name: "sec-websocket-key"), key.utf8.count == 24,
                  headers["host"].count == 1
            else { return nil }
            return UpgradeRequestHead(uri: uri, headers: headers, key: key)
        }
    }

    /// The target of `GET <target> HTTP/1.1`, or nil for any other line.
    private static func requestTarget(_ line: UnsafeRawBufferPointer) -> String? {
        let prefix = Array("GET ".utf8)
        let suffix = Array(" HTTP/1.1".utf8)
        guard line.count > prefix.count + suffix.count,
              line.starts(with: prefix), line.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        let target = line[prefix.count..<(line.count - suffix.count)]
        // No whitespace in the target (a tab is refused by NIO's parser too).
        guard target.first == UInt8(ascii: "/"), !target.contains(32), !target.contains(9) else { return nil }
        return String(decoding: target, as: UTF8.self)
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
