public import SocketIOCore

/// One event received from a client: its name, its arguments (binary
/// attachments in place as `.binary`), and the acknowledgement to answer
/// when the client asked for one.
public struct SocketIOEvent {
    /// Event name.
    public let name: String
    /// The arguments after the name.
    public let arguments: [JSONValue]
    /// Present when the client waits for an answer.
    public let ack: SocketIOAck?

    /// The argument at `index` decoded as `T`.
    ///
    /// ```swift
    /// socket.on("move") { event in
    ///     let move = try? event.argument(0, as: Move.self)
    /// }
    /// ```
    public func argument<T: Decodable>(_ index: Int = 0, as type: T.Type = T.self) throws -> T {
        guard arguments.indices.contains(index) else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: [], debugDescription: "no argument \(index)"))
        }
        return try JSONValueDecoder().decode(T.self, from: arguments[index])
    }
}

/// The answer to a client's event (what the reference hands a listener as
/// its last argument). It sends one ACK packet; later calls do nothing.
///
/// ```swift
/// socket.on("sum") { event in
///     let total = event.arguments.compactMap(\.int64Value).reduce(0, +)
///     event.ack?(.int(total))
/// }
/// ```
public final class SocketIOAck {
    /// Strong: an ack lives as long as the handler keeps it (a weak
    /// reference would slow every retain of the socket).
    private let socket: SocketIOSocket
    private let id: UInt64
    /// True once the answer was sent.
    public private(set) var isSent = false

    init(socket: SocketIOSocket, id: UInt64) {
        self.socket = socket
        self.id = id
    }

    /// Sends the answer with these arguments.
    public func callAsFunction(_ arguments: JSONValue...) {
        send(arguments)
    }

    /// Sends the answer with these arguments.
    public func send(_ arguments: [JSONValue]) {
        guard !isSent, socket.isConnected else { return }
        isSent = true
        socket.connection.send(.ack(arguments, ackID: id, namespace: socket.namespace.name))
    }

    /// Sends a `Codable` value as the one argument of the answer.
    public func send<Payload: Encodable>(payload: Payload) throws {
        send([try JSONValueEncoder().encode(payload)])
    }
}
