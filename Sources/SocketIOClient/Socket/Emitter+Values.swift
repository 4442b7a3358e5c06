public import SocketIOCore

// Swift values as arguments: anything `Encodable` (String, numbers, Bool,
// arrays, dictionaries, your Codable structs, Foundation `Data` and NIO's
// `ByteBuffer` at any depth, `JSONValue`), encoded with `JSONValueEncoder`.
// Answers decode to any `Decodable` with `as:`.
//
// These forms are disfavored overloads: a call whose arguments are all JSON
// literals (`emit("e", "a", ["k": 1])`) takes the `JSONValue...` form, which
// keeps an object literal's key order (a Swift dictionary would not) and
// accepts literals of mixed types; any other value (a variable, `Data`, a
// struct) can only take these.

extension Emitter {
    /// Sends the event with Swift values as arguments.
    ///
    /// An argument that fails to encode (its own `encode(to:)` threw)
    /// stops the emit: nothing is sent and the failure is logged; use
    /// ``emitWithAck(_:_:as:)`` or the `ack:` form to receive it.
    @_disfavoredOverload
    public func emit<each Argument: Encodable>(_ event: String, _ arguments: repeat each Argument) {
        do {
            emit(event, arguments: try ArgumentEncoding.encode(repeat each arguments), ack: nil)
        } catch {
            refuse(event, error, ack: nil)
        }
    }

    /// Sends the event with Swift values as arguments; `ack` (called on the
    /// manager's loop) receives the server's answer or the failure
    /// (`codingFailed` when an argument does not encode).
    @_disfavoredOverload
    public func emit<each Argument: Encodable>(
        _ event: String,
        _ arguments: repeat each Argument,
        ack: @escaping @Sendable (AckResult) -> Void
    ) {
        do {
            emit(event, arguments: try ArgumentEncoding.encode(repeat each arguments), ack: ack)
        } catch {
            refuse(event, error, ack: ack)
        }
    }

    /// Sends the event with Swift values and waits for the server's answer.
    ///
    /// - Throws: ``SocketIOClientError``: `codingFailed`, `ackTimeout`,
    ///   `disconnected`, `bufferFull`, `reservedEventName`.
    @_disfavoredOverload
    public func emitWithAck<each Argument: Encodable>(_ event: String, _ arguments: repeat each Argument) async throws -> [JSONValue] {
        try await awaitAck(event, arguments: try ArgumentEncoding.encode(repeat each arguments))
    }

    /// Sends the event with Swift values and decodes the first argument of
    /// the server's answer as `Answer`.
    ///
    /// ```swift
    /// let score = try await socket.timeout(.seconds(2)).emitWithAck("guess", Guess(word: "swift"), as: Score.self)
    /// ```
    ///
    /// - Throws: ``SocketIOClientError``, as the untyped `emitWithAck`;
    ///   `codingFailed` also when the answer does not decode.
    @_disfavoredOverload
    public func emitWithAck<Answer: Decodable, each Argument: Encodable>(
        _ event: String,
        _ arguments: repeat each Argument,
        as answer: Answer.Type = Answer.self
    ) async throws -> Answer {
        let answer = try await awaitAck(event, arguments: try ArgumentEncoding.encode(repeat each arguments))
        return try ArgumentEncoding.decode(Answer.self, at: 0, of: answer, name: event)
    }

    /// Sends `value`, encoded, as the event's single argument; the same as
    /// `emit(_:_:)` with one value, but an
    /// encoding failure is thrown.
    ///
    /// - Throws: ``SocketIOClientError`` (`codingFailed`).
    public func emit(_ event: String, encoding value: some Encodable) throws {
        emit(event, arguments: [try ArgumentEncoding.encode(value)], ack: nil)
    }

    /// Sends `value` and decodes the first argument of the server's answer;
    /// the same as ``emitWithAck(_:_:as:)`` with one value.
    ///
    /// - Throws: ``SocketIOClientError``, as ``emitWithAck(_:_:as:)``.
    public func emitWithAck<Answer: Decodable>(
        _ event: String,
        encoding value: some Encodable,
        decoding answer: Answer.Type
    ) async throws -> Answer {
        try await emitWithAck(event, value, as: Answer.self)
    }
}
