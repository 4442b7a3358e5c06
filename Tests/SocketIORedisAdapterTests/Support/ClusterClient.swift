import NIOCore
import SocketIOClient

/// A client of one node whose received events are read in order with
/// ``next(timeout:)``; `answers` answers every event sent with an ack.
final class ClusterClient: Sendable {
    let socket: Socket
    private let events: AsyncStream<ReceivedEvent>
    private let iterator: IteratorBox

    init(_ url: String, auth: JSONObject = [:], answer: JSONValue? = nil) async throws {
        var options = ClientOptions()
        options.forceNew = true
        options.reconnection = false
        options.auth = .object(auth)
        socket = try io(url, options: options)
        let (stream, continuation) = AsyncStream.makeStream(of: ReceivedEvent.self)
        events = stream
        iterator = IteratorBox(stream.makeAsyncIterator())
        socket.onAny { event in
            if let answer { event.ack?(answer) }
            continuation.yield(event)
        }
        try await socket.connect(timeout: .seconds(10))
    }

    var id: String { socket.id ?? "" }

    /// The next event, or a failure after `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> ReceivedEvent {
        try await withThrowingTaskGroup(of: ReceivedEvent?.self) { group in
            group.addTask { await self.iterator.next() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let event = first else { throw ClusterTestError.timedOut("an event") }
            return event
        }
    }

    func close() { socket.disconnect() }
}

/// The stream's one iterator, used by one reader at a time.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: AsyncStream<ReceivedEvent>.Iterator

    init(_ iterator: AsyncStream<ReceivedEvent>.Iterator) { self.iterator = iterator }

    func next() async -> ReceivedEvent? { await iterator.next() }
}
