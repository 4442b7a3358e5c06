/// Everything that happens to a socket, as one value: what an
/// `AsyncSequence` of a socket yields (see ``Socket/activity(bufferingLimit:)``).
///
/// ```swift
/// for await activity in socket.activity() {
///     switch activity {
///     case .connect(let recovered): print("connected, recovered:", recovered)
///     case .event(let event): print(event.name, event.arguments)
///     case .disconnect(let reason): print("disconnected:", reason.rawValue)
///     case .connectError(let error): print(error.message)
///     }
/// }
/// ```
public enum SocketActivity: Sendable {
    /// The socket joined its namespace (`connect`); `recovered` when the
    /// server restored the previous session.
    case connect(recovered: Bool)
    /// The socket left (`disconnect`).
    case disconnect(SocketDisconnectReason)
    /// Joining failed (`connect_error`).
    case connectError(SocketIOClientError)
    /// The server sent an event.
    case event(ReceivedEvent)
}

/// A socket's activity as an `AsyncSequence` (see ``Socket/activity(bufferingLimit:)``).
public struct SocketActivityStream: AsyncSequence, Sendable {
    /// Each element is one thing that happened to the socket.
    public typealias Element = SocketActivity

    /// Pass to ``Socket/off(_:)`` to end the sequence.
    public let token: ListenerToken
    let stream: AsyncStream<SocketActivity>

    /// The iterator of the underlying `AsyncStream`.
    public func makeAsyncIterator() -> AsyncStream<SocketActivity>.Iterator {
        stream.makeAsyncIterator()
    }
}

/// Decoded arguments of one event name (see ``Socket/events(named:as:bufferingLimit:)``).
public struct TypedEventStream<Element: Decodable & Sendable>: AsyncSequence, Sendable {
    let name: String
    let activity: SocketActivityStream

    /// Pass to ``Socket/off(_:)`` to end the sequence.
    public var token: ListenerToken { activity.token }

    /// Iterates the socket's activity, keeping the events of one name.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let name: String
        var base: AsyncStream<SocketActivity>.Iterator

        /// The next decoded argument, nil when the activity ends.
        ///
        /// - Throws: ``SocketIOClientError`` (`codingFailed`).
        public mutating func next() async throws -> Element? {
            while let element = await base.next() {
                guard case .event(let received) = element, received.name == name else { continue }
                return try received.argument(0, as: Element.self)
            }
            return nil
        }
    }

    /// Starts iterating.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(name: name, base: activity.makeAsyncIterator())
    }
}
