import SocketIOCore

// Typed events: Codable values in, through JSONValueDecoder (so `Data` and
// `ByteBuffer` properties receive binary attachments). Typed emits are in
// Emitter+Values.

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
}
