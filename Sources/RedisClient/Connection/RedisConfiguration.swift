public import NIOCore

/// Where Redis is and how the client behaves: address, credentials,
/// database, reconnection backoff, queue bound and decoder limits.
///
/// ```swift
/// let configuration = try RedisConfiguration(url: "redis://:secret@127.0.0.1:6379/2")
/// ```
public struct RedisConfiguration: Sendable, Hashable {
    /// The host name or IP address.
    public var host: String
    /// The TCP port (6379 by default).
    public var port: Int
    /// The ACL user for `AUTH user password`; `nil` sends `AUTH password`.
    public var username: String?
    /// The password; `nil` sends no AUTH.
    public var password: String?
    /// The database for `SELECT`; `nil` (or 0) sends none.
    public var database: Int?
    /// How long one TCP connection attempt may take (5 s by default).
    public var connectTimeout: TimeAmount
    /// The waits between reconnection attempts.
    public var backoff: RedisBackoff
    /// The most commands accepted and not yet answered: those waiting for a
    /// connection plus those written and awaiting their reply (10,000 by
    /// default). Overflow policy: a command over the bound fails at once with
    /// ``RedisError/backlogFull`` and is not sent; nothing queued is dropped.
    /// For a subscriber it bounds the subscription requests awaiting
    /// confirmation the same way.
    public var maxPendingCommands: Int
    /// The RESP decoder's bounds on what Redis may send.
    public var decoderLimits: RESPDecoderLimits

    /// A configuration for `host:port` with no credentials.
    public init(
        host: String,
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int? = nil,
        connectTimeout: TimeAmount = .seconds(5),
        backoff: RedisBackoff = .default,
        maxPendingCommands: Int = 10_000,
        decoderLimits: RESPDecoderLimits = .default
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.backoff = backoff
        self.maxPendingCommands = maxPendingCommands
        self.decoderLimits = decoderLimits
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`: port 6379 when
    /// absent, `[::1]` for IPv6, user and password percent-decoded. Throws
    /// ``RedisError/invalidURL(_:)`` for another scheme (TLS `rediss://` is
    /// not supported), a bad port or a bad database number.
    public init(url: String) throws {
        let prefix = "redis://"
        guard url.lowercased().hasPrefix(prefix) else {
            throw RedisError.invalidURL("\(url): expected redis://[user:password@]host[:port][/db]")
        }
        var rest = Substring(url.dropFirst(prefix.count))
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userinfo[..<colon], url: url)
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userinfo[userinfo.index(after: colon)...], url: url)
            } else if !userinfo.isEmpty {
                // redis://password@host, as redis-cli and node-redis read it.
                password = try Self.percentDecoded(userinfo, url: url)
            }
        }
        var host = rest
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RedisError.invalidURL("\(url): unclosed [ in host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw RedisError.invalidURL("\(url): text after ]")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty else { throw RedisError.invalidURL("\(url): no host") }
        var port = 6379
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw RedisError.invalidURL("\(url): bad port \(portText)")
            }
            port = number
        }
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        var database: Int?
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else { throw RedisError.invalidURL("\(url): bad database \(path)") }
            database = number
        }
        self.init(host: String(host), port: port, username: username, password: password, database: database)
    }

    private static func percentDecoded(_ text: Substring, url: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisError.invalidURL("\(url): bad percent escape")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
