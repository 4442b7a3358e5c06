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

    /// The CONNECT_ERROR packet refusing `namespace`: `{"message":..., "data":...}`.
    ///
    /// - Parameter v2Form: the refusal of a middleware, for a Socket.IO v2
    ///   client (Engine.IO v3): the reference then sends `err.data ||
    ///   err.message`, the data alone when JavaScript deems it true (not
    ///   null, false, 0 or ""), else the message as a string. Data the packet
    ///   codec cannot carry there (an array, a number, `true`) falls back to
    ///   the message.
    func packet(namespace: String, v2Form: Bool) -> SocketIOPacket {
        guard v2Form else { return .connectError(message: message, data: data, namespace: namespace) }
        let payload: JSONValue
        switch data {
        case .object(let object)?: payload = .object(object)
        case .string(let text)? where !text.isEmpty: payload = .string(text)
        default: payload = .string(message)
        }
        return SocketIOPacket(type: .connectError, namespace: namespace, data: payload)
    }
}

/// Why an emit that expected an acknowledgement did not get one.
public enum SocketIOAckError: Error, Sendable, Hashable {
    /// No answer within the timeout.
    case timeout
    /// The socket disconnected before answering.
    case disconnected
}
