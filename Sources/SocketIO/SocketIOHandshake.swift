public import Foundation
public import NIOHTTP1
public import SocketIOCore
import EngineIO

/// What the server knew of a client when it joined a namespace: the
/// reference server's `socket.handshake`.
public struct SocketIOHandshake: Sendable {
    /// The request that opened the connection, shared by every socket of it.
    private let shared: SharedRequest
    private var request: EngineIORequest { shared.request }
    /// The CONNECT packet's auth payload (`{}` when none).
    public var auth: JSONValue
    /// When the namespace connection was made, in milliseconds since 1970.
    public var issued: Int64

    init(request: SharedRequest, auth: JSONValue, now: Date = Date()) {
        self.shared = request
        self.auth = auth
        self.issued = Int64(now.timeIntervalSince1970 * 1000)
    }

    /// Request headers of the connection's first request.
    public var headers: HTTPHeaders { request.headers }

    /// Query parameters (Engine.IO's own included, as in the reference);
    /// the first value of a repeated name.
    public var query: [String: String] {
        var query: [String: String] = [:]
        for (name, value) in request.query.pairs where query[name] == nil { query[name] = value }
        return query
    }

    /// The client's IP address, or "" when unknown.
    public var address: String { request.remoteAddress?.ipAddress ?? "" }

    /// When the namespace connection was made.
    public var time: Date { Date(timeIntervalSince1970: Double(issued) / 1000) }

    /// The request URI.
    public var url: String { request.uri }

    /// Whether the connection was TLS.
    public var secure: Bool { request.isSecure }

    /// Whether the request came from another origin.
    public var xdomain: Bool { request.headers.first(name: "origin") != nil }

    /// The handshake as JSON, for snapshots of remote sockets.
    var json: JSONValue {
        var headerObject = JSONObject()
        for (name, value) in headers { headerObject[name.lowercased()] = .string(value) }
        var queryObject = JSONObject()
        for (name, value) in query.sorted(by: { $0.key < $1.key }) { queryObject[name] = .string(value) }
        return [
            "headers": .object(headerObject),
            "query": .object(queryObject),
            "auth": auth,
            "address": .string(address),
            "time": .string(time.description),
            "issued": .int(issued),
            "url": .string(url),
            "secure": .bool(secure),
            "xdomain": .bool(xdomain),
        ]
    }
}

/// The request of a connection, kept once and shared by its sockets'
/// handshakes (a socket then holds a reference, not a copy).
final class SharedRequest: Sendable {
    let request: EngineIORequest

    init(_ request: EngineIORequest) {
        self.request = request
    }
}
