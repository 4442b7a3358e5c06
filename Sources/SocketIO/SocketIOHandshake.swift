public import Foundation
public import NIOHTTP1
public import SocketIOCore
import EngineIO

/// What the server knew of a client when it joined a namespace: the
/// reference server's `socket.handshake`.
public struct SocketIOHandshake: Sendable {
    /// Request headers of the connection's first request.
    public var headers: HTTPHeaders
    /// Query parameters (Engine.IO's own included, as in the reference).
    public var query: [String: String]
    /// The CONNECT packet's auth payload (`{}` when none).
    public var auth: JSONValue
    /// The client's address (`ip:port`), if known.
    public var address: String
    /// When the namespace connection was made.
    public var time: Date
    /// The same, in milliseconds since 1970.
    public var issued: Int64
    /// The request URI.
    public var url: String
    /// Whether the connection was TLS.
    public var secure: Bool
    /// Whether the request came from another origin.
    public var xdomain: Bool

    init(request: EngineIORequest, auth: JSONValue, now: Date = Date()) {
        headers = request.headers
        var query: [String: String] = [:]
        for (name, value) in request.query.pairs where query[name] == nil { query[name] = value }
        self.query = query
        self.auth = auth
        if let remote = request.remoteAddress {
            address = remote.ipAddress ?? "\(remote)"
        } else {
            address = ""
        }
        time = now
        issued = Int64(now.timeIntervalSince1970 * 1000)
        url = request.uri
        secure = request.isSecure
        xdomain = request.headers.first(name: "origin") != nil
    }

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
