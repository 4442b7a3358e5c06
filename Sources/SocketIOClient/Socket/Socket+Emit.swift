public import NIOCore
public import SocketIOCore

// Emitting from a socket: every form of ``Emitter`` without flags, and the
// flags that start a chain (`socket.timeout(...).volatile.emit(...)`).

extension Socket {
    /// An emitter without flags.
    private var plain: Emitter { Emitter(socket: self, flags: EmitFlags()) }

    // MARK: - Flags

    /// An emit with an ack timeout (see ``Emitter``).
    ///
    /// ```swift
    /// let answer = try await socket.timeout(.seconds(2)).emitWithAck("echo", "ping")
    /// ```
    public func timeout(_ timeout: Duration) -> Emitter {
        plain.timeout(timeout)
    }

    /// `timeout(_:)` with NIO's `TimeAmount` instead of a `Duration`.
    public func timeout(_ timeout: TimeAmount) -> Emitter {
        plain.timeout(timeout)
    }

    /// A volatile emit (see ``Emitter``).
    public var volatile: Emitter {
        plain.volatile
    }

    /// An emit with compression allowed or not (see ``Emitter``).
    public func compress(_ compress: Bool) -> Emitter {
        plain.compress(compress)
    }

    // MARK: - JSON values

    /// Sends an event with JSON arguments (binary at any depth). While
    /// disconnected it is buffered and sent on (re)connection.
    ///
    /// ```swift
    /// socket.emit("chat", "hello", ["room": "lobby", "urgent": true], .data(thumbnail))
    /// ```
    public func emit(_ event: String, _ arguments: JSONValue...) {
        plain.emit(event, arguments: arguments, ack: nil)
    }

    /// Sends an event; `ack` receives the server's answer (or the failure:
    /// `ackTimeout` after ``SocketOptions/ackTimeout``, `disconnected`).
    ///
    /// ```swift
    /// socket.emit("echo", "ping", ["n": 1]) { result in print(result) }
    /// ```
    public func emit(_ event: String, _ arguments: JSONValue..., ack: @escaping @Sendable (AckResult) -> Void) {
        plain.emit(event, arguments: arguments, ack: ack)
    }

    /// Sends an event with an array of arguments; `ack` receives the
    /// server's answer (or the failure).
    public func emit(_ event: String, arguments: [JSONValue], ack: (@Sendable (AckResult) -> Void)? = nil) {
        plain.emit(event, arguments: arguments, ack: ack)
    }

    /// Sends an event and waits for the server's answer.
    ///
    /// - Throws: ``SocketIOClientError``.
    public func emitWithAck(_ event: String, _ arguments: JSONValue...) async throws -> [JSONValue] {
        try await plain.emitWithAck(event, arguments: arguments)
    }

    /// Sends an event and waits for the server's answer.
    ///
    /// - Throws: ``SocketIOClientError``.
    public func emitWithAck(_ event: String, arguments: [JSONValue]) async throws -> [JSONValue] {
        try await plain.emitWithAck(event, arguments: arguments)
    }

    // MARK: - Swift values

    /// Sends an event with Swift values (anything `Encodable`: strings,
    /// numbers, your Codable structs, `Data` at any depth).
    ///
    /// ```swift
    /// socket.emit("move", player.id, Position(x: 3, y: 4))
    /// socket.emit("upload", fileName, bytes)        // bytes: Data, sent as binary
    /// ```
    @_disfavoredOverload
    public func emit<each Argument: Encodable>(_ event: String, _ arguments: repeat each Argument) {
        plain.emit(event, repeat each arguments)
    }

    /// Sends an event with Swift values; `ack` receives the server's answer.
    ///
    /// ```swift
    /// socket.emit("add", 1, 2) { result in
    ///     if case .success(let answer) = result { print(answer) }
    /// }
    /// ```
    @_disfavoredOverload
    public func emit<each Argument: Encodable>(
        _ event: String,
        _ arguments: repeat each Argument,
        ack: @escaping @Sendable (AckResult) -> Void
    ) {
        plain.emit(event, repeat each arguments, ack: ack)
    }

    /// Sends an event with Swift values and waits for the server's answer.
    ///
    /// - Throws: ``SocketIOClientError``.
    @_disfavoredOverload
    public func emitWithAck<each Argument: Encodable>(_ event: String, _ arguments: repeat each Argument) async throws -> [JSONValue] {
        try await plain.emitWithAck(event, repeat each arguments)
    }

    /// Sends an event with Swift values and decodes the first argument of
    /// the answer.
    ///
    /// ```swift
    /// let score = try await socket.emitWithAck("guess", Guess(word: "swift"), as: Score.self)
    /// let bytes: Data = try await socket.emitWithAck("thumbnail", "a.png")
    /// ```
    ///
    /// - Throws: ``SocketIOClientError``.
    @_disfavoredOverload
    public func emitWithAck<Answer: Decodable, each Argument: Encodable>(
        _ event: String,
        _ arguments: repeat each Argument,
        as answer: Answer.Type = Answer.self
    ) async throws -> Answer {
        try await plain.emitWithAck(event, repeat each arguments, as: Answer.self)
    }

    /// Sends `value` as the event's single argument; an encoding failure
    /// is thrown.
    ///
    /// - Throws: ``SocketIOClientError`` (`codingFailed`).
    public func emit(_ event: String, encoding value: some Encodable) throws {
        try plain.emit(event, encoding: value)
    }

    /// Sends `value` and decodes the first argument of the server's answer
    /// (the same as ``emitWithAck(_:_:as:)`` with one value).
    ///
    /// - Throws: ``SocketIOClientError``.
    public func emitWithAck<Answer: Decodable>(
        _ event: String,
        encoding value: some Encodable,
        decoding answer: Answer.Type
    ) async throws -> Answer {
        try await plain.emitWithAck(event, value, as: Answer.self)
    }

    // MARK: - send

    /// `emit("message", ...)`, as JavaScript's `socket.send`.
    public func send(_ arguments: JSONValue...) {
        plain.emit("message", arguments: arguments, ack: nil)
    }

    /// `emit("message", ...)` with Swift values.
    @_disfavoredOverload
    public func send<each Argument: Encodable>(_ arguments: repeat each Argument) {
        plain.emit("message", repeat each arguments)
    }
}
