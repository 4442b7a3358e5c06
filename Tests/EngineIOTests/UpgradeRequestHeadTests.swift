import NIOCore
import Testing
@testable import EngineIO

/// The strict parser of the handshake fast path: plain upgrade requests in,
/// anything unusual out (it then goes to NIO's HTTP stack).
@Suite struct UpgradeRequestHeadTests {
    static let plain = [
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", "Host: 127.0.0.1:3000", "Upgrade: websocket",
        "Connection: keep-alive, Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
        "User-Agent:  spaced value\t",
    ]

    func head(_ lines: [String]) -> ByteBuffer {
        ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n\r\n")
    }

    @Test func aPlainUpgradeIsParsed() throws {
        let parsed = try #require(UpgradeRequestHead.parse(head(Self.plain)))
        #expect(parsed.uri == "/socket.io/?EIO=4&transport=websocket")
        #expect(parsed.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(parsed.headers.first(name: "user-agent") == "spaced value")
        #expect(parsed.headers.count == 6)
    }

    @Test(arguments: [
        ["POST /socket.io/ HTTP/1.1"],                          // not a GET
        ["GET /socket.io/ HTTP/1.0"],                           // not HTTP/1.1
        ["GET socket.io HTTP/1.1"],                             // not an origin-form target
        ["GET /a b HTTP/1.1"],                                  // a space in the target
        // A tab in the target: NIO's parser refuses it, the fast path took it
        // (found by Tools/fuzz fuzz-http-head, which compares the two).
        ["GET /socket.io/?EIO=4&transpo\tt=websocket HTTP/1.1"],
        ["GET\t/socket.io/ HTTP/1.1"],
    ])
    func otherRequestLinesAreLeftToNIO(requestLine: [String]) {
        #expect(UpgradeRequestHead.parse(head(requestLine + Self.plain.dropFirst())) == nil)
    }

    @Test(arguments: [
        " folded: line",                 // obs-fold
        "Bad Name: x",                   // not a token
        ": no name",
        "Host: second.example",          // two hosts
        "Content-Length: 5",             // a body
        "Transfer-Encoding: chunked",
        "Caf\u{e9}: x",                  // not ASCII
    ])
    func oddHeadersAreLeftToNIO(extra: String) {
        #expect(UpgradeRequestHead.parse(head(Self.plain + [extra])) == nil)
    }

    @Test func missingUpgradeFieldsAreLeftToNIO() {
        for dropped in ["Upgrade:", "Connection:", "Sec-WebSocket-Key:", "Sec-WebSocket-Version:", "Host:"] {
            #expect(UpgradeRequestHead.parse(head(Self.plain.filter { !$0.hasPrefix(dropped) })) == nil, "\(dropped)")
        }
    }

    @Test func aBareCarriageReturnIsRefused() {
        #expect(UpgradeRequestHead.parse(ByteBuffer(string: Self.plain.joined(separator: "\r\n") + "\rX\r\n\r\n")) == nil)
    }
}
