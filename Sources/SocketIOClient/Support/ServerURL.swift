/// A server address as ``io(_:options:)`` and ``Manager`` accept it:
/// `http://host[:port][/namespace][?query]` (or `ws://`; `https://` and
/// `wss://` for TLS), parsed without Foundation.
///
/// The path is the *namespace*, as in the JavaScript client
/// (`io("http://localhost:3000/admin")` joins `/admin`); the Engine.IO path
/// is an option. `ws` and `http` mean the same server (both transports are
/// used either way), as do `wss` and `https`.
struct ServerURL: Sendable, Hashable {
    /// Host name or IP address (IPv6 without brackets).
    var host: String
    var port: Int
    /// TLS (`https`, `wss`): both transports run over TLS.
    var isSecure: Bool
    /// The namespace named by the path (`/` when there is none).
    var namespace: String
    /// Query pairs of the URL, sent with every request.
    var query: [String: String]

    init(parsing text: String) throws(SocketIOClientError) {
        func invalid(_ why: String) -> SocketIOClientError {
            SocketIOClientError(code: .invalidURL, message: "\(text): \(why)")
        }
        guard let schemeEnd = text.firstRange(of: "://") else { throw invalid("no scheme (use http:// or ws://)") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "http", "ws": isSecure = false
        case "https", "wss": isSecure = true
        default: throw invalid("unsupported scheme \(scheme) (use http, https, ws or wss)")
        }
        let defaultPort = isSecure ? 443 : 80
        var rest = text[schemeEnd.upperBound...]
        var queryText: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        if let hash = queryText.firstIndex(of: "#") { queryText = queryText[..<hash] }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = String(rest[slash...])
            namespace = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        } else {
            authority = rest
            namespace = "/"
        }
        guard !authority.isEmpty, !authority.contains("@") else { throw invalid("no host, or credentials in the URL") }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            guard let number = Self.port(after, default: defaultPort) else { throw invalid("bad port") }
            port = number
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Self.port(authority[colon...], default: defaultPort) else { throw invalid("bad port") }
            port = number
        } else {
            host = String(authority)
            port = defaultPort
        }
        guard !host.isEmpty else { throw invalid("no host") }
        var query: [String: String] = [:]
        for pair in queryText.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query[PercentEncoding.decode(parts[0])] = parts.count > 1 ? PercentEncoding.decode(parts[1]) : ""
        }
        self.query = query
    }

    /// `:1234` after the host, or nothing.
    private static func port(_ text: Substring, default value: Int) -> Int? {
        if text.isEmpty { return value }
        guard text.first == ":", let number = Int(text.dropFirst()), (1...65535).contains(number) else { return nil }
        return number
    }

    /// The `Host` header: the host, bracketed when IPv6, with the port
    /// unless it is the scheme's default (80, or 443 with TLS).
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// What identifies the server for connection sharing (the JavaScript
    /// client's `url.id`).
    var serverID: String { (isSecure ? "https://" : "http://") + hostHeader }

    /// Whether the host is an IP address literal (no name resolution; no
    /// SNI, whose names must be host names).
    var hostIsIPAddress: Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil }
    }
}

/// `encodeURIComponent` and its inverse, for query strings.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "~"), UInt8(ascii: "*"),
                 UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                      let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
