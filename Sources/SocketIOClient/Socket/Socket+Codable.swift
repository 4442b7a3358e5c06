import SocketIOCore

// Typed events: Codable values in and out, through JSONValueEncoder and
// JSONValueDecoder (so ByteBuffer-valued properties stay binary attachments).

extension Socket {
    /// Calls `handler` with the first argument of every event named `event`,
    /// decoded as `T`. An event whose argument does not decode is logged and
    /// skipped.
    ///
    /// ```swift
    /// struct Chat: Codable, Sendable { var user: String; var text: String }
    /// socket.on("chat", as: Chat.self) { chat, ack in print(chat.user, chat.text) }
    /// ```
    @discardableResult
    public func on<T: Decodable & Sendable>(
        _ event: String,
        as type: T.Type,
        _ handler: @escaping @Sendable (T, Acknowledgement?) -> Void
    ) -> ListenerToken {
        let logger = manager.options.logger
        return on(event) { received in
            do {
                handler(try received.argument(0, as: T.self), received.ack)
            } catch {
                logger.warning("event argument does not decode; skipped", metadata: ["event": "\(event)", "error": "\(error)"])
            }
        }
    }

    /// Sends `value`, encoded, as the event's single argument.
    public func emit(_ event: String, encoding value: some Encodable) throws(SocketIOClientError) {
        emit(event, arguments: [try Self.encode(value)])
    }

    /// Sends `value` and decodes the first argument of the server's answer.
    ///
    /// ```swift
    /// let score = try await socket.emitWithAck("guess", encoding: Guess(word: "swift"), decoding: Score.self)
    /// ```
    public func emitWithAck<Answer: Decodable>(
        _ event: String,
        encoding value: some Encodable,
        decoding answer: Answer.Type
    ) async throws(SocketIOClientError) -> Answer {
        let arguments = try await emitWithAck(event, arguments: [try Self.encode(value)])
        return try ReceivedEvent(name: event, arguments: arguments).argument(0, as: Answer.self)
    }

    /// The first argument of every event named `event`, decoded, as an
    /// `AsyncSequence`; it throws at the first argument that does not
    /// decode, and otherwise ends like ``activity(bufferingLimit:)``.
    ///
    /// ```swift
    /// for try await chat in socket.events(named: "chat", as: Chat.self) { print(chat.text) }
    /// ```
    public func events<T: Decodable & Sendable>(
        named event: String,
        as type: T.Type,
        bufferingLimit: Int = 1024
    ) -> TypedEventStream<T> {
        TypedEventStream(name: event, activity: activity(bufferingLimit: bufferingLimit))
    }

    static func encode(_ value: some Encodable) throws(SocketIOClientError) -> JSONValue {
        do {
            return try JSONValueEncoder().encode(value)
        } catch {
            throw .coding(error)
        }
    }
}
