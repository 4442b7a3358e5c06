public import SocketIOCore

/// The credentials a socket sends in its CONNECT packet, read by the server
/// as `socket.handshake.auth`.
///
/// A fixed object, or a closure evaluated again at every (re)connection, so
/// that a token that expires can be refreshed before the client reconnects.
///
/// ```swift
/// options.auth = ["token": "secret"]
/// options.auth = .provider { try await tokenStore.freshToken() }
/// ```
public enum SocketAuth: Sendable, ExpressibleByDictionaryLiteral {
    /// The same object at every connection.
    case object(JSONObject)
    /// Evaluated before each CONNECT. If it throws, the socket reports a
    /// `connect_error` (code ``SocketIOClientError/Code/authFailed``) and
    /// stops trying, as a server refusal would.
    case provider(@Sendable () async throws -> JSONObject)

    /// `["token": "secret"]` is a fixed object.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

/// Options of one namespace socket (the JavaScript client's `SocketOptions`).
///
/// ```swift
/// let admin = manager.socket("/admin", options: SocketOptions(auth: ["token": "secret"], retries: 3))
/// ```
public struct SocketOptions: Sendable {
    /// Sent in the CONNECT packet; nil sends a CONNECT without payload (the
    /// server then sees `{}`).
    public var auth: SocketAuth?
    /// The socket's default acknowledgement timeout: every emit that
    /// expects an ack (`emit(..., ack:)`, `emitWithAck`) fails with
    /// ``SocketIOClientError/Code/ackTimeout`` when the answer takes longer;
    /// `timeout(_:)` on one emit overrides it. Nil (the default): wait until
    /// the ack arrives or the socket disconnects.
    public var ackTimeout: Duration?
    /// How many times an emit is sent again when its ack does not arrive
    /// in time (0: never). With retries, emits go through a queue that keeps
    /// their order and has one packet in flight at a time, and each emit
    /// asks the server for an ack: delivery becomes at-least-once. The
    /// server's answer to any try of an emit, even one past its timeout
    /// (a slow server), delivers it (JavaScript ignores a late answer).
    public var retries: Int

    /// Options with the JavaScript client's defaults (no auth, no ack
    /// timeout, no retries) unless given.
    public init(auth: SocketAuth? = nil, ackTimeout: Duration? = nil, retries: Int = 0) {
        self.auth = auth
        self.ackTimeout = ackTimeout
        self.retries = retries
    }
}

extension SocketAuth {
    /// An `Encodable` value as the auth object; it must encode to an object
    /// (a struct or a dictionary).
    ///
    /// ```swift
    /// struct Credentials: Codable { var token: String }
    /// socket.auth = try .encoding(Credentials(token: freshToken))
    /// ```
    ///
    /// - Throws: ``SocketIOClientError`` (`codingFailed`) when the value
    ///   does not encode, or not to an object.
    public static func encoding(_ value: some Encodable) throws -> SocketAuth {
        guard case .object(let object) = try ArgumentEncoding.encode(value) else {
            throw SocketIOClientError(code: .codingFailed, message: "auth must encode to an object, not \(type(of: value))")
        }
        return .object(object)
    }
}
