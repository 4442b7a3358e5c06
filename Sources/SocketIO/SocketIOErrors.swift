public import SocketIOCore

/// A refusal from a connection middleware: the client gets a CONNECT_ERROR
/// packet with this message and, when given, this data.
///
/// ```swift
/// namespace.use { socket, next in
///     guard socket.handshake.auth["token"] == "secret" else {
///         return next(SocketIOConnectError("unauthorized", data: ["code": 401]))
///     }
///     next(nil)
/// }
/// ```
public struct SocketIOConnectError: Error, Sendable, Hashable {
    /// Sent as `message`.
    public var message: String
    /// Sent as `data`, if any.
    public var data: JSONValue?

    /// A refusal.
    public init(_ message: String, data: JSONValue? = nil) {
        self.message = message
        self.data = data
    }

    /// The CONNECT_ERROR payload: `{"message":..., "data":...}`.
    var payload: JSONValue {
        var object: JSONObject = ["message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}

/// Why an emit that expected an acknowledgement did not get one.
public enum SocketIOAckError: Error, Sendable, Hashable {
    /// No answer within the timeout.
    case timeout
    /// The socket disconnected before answering.
    case disconnected
}
