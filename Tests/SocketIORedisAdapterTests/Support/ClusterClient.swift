import NIOCore
import SocketIOClient

/// A client of one node whose received events are read in order with
/// ``next(timeout:)``; `answers` answers every event sent with an ack.
/// Its disconnections are recorded from before it connects
/// (``disconnected(timeout:)``): a listener added later, from the test's
/// task, is installed by a hop to the client's loop, and that loop may read
/// the server's disconnect before it runs the hop.
final class ClusterClient: Sendable {
    let socket: Socket
    private let events: AsyncStream<ReceivedEvent>
    private let iterator: IteratorBox<ReceivedEvent>
    private let disconnections: IteratorBox<String>

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
        let (reasons, reasonContinuation) = AsyncStream.makeStream(of: String.self)
        disconnections = IteratorBox(reasons.makeAsyncIterator())
        socket.onDisconnect { reason in reasonContinuation.yield(reason.rawValue) }
        try await socket.connect(timeout: .seconds(30))
    }

    var id: String { socket.id ?? "" }

    /// The next event, or a failure after `timeout`.
    func next(timeout: Duration = .seconds(30)) async throws -> ReceivedEvent {
        try await Self.first(of: iterator, within: timeout, waitingFor: "an event")
    }

    /// The reason of the next disconnection, or a failure after `timeout`.
    func disconnected(timeout: Duration = .seconds(30)) async throws -> String {
        try await Self.first(of: disconnections, within: timeout, waitingFor: "a disconnection")
    }

    private static func first<Element: Sendable>(
        of iterator: IteratorBox<Element>, within timeout: Duration, waitingFor what: String
    ) async throws -> Element {
        try await withThrowingTaskGroup(of: Element?.self) { group in
            group.addTask { await iterator.next() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let element = first else { throw ClusterTestError.timedOut(what) }
            return element
        }
    }

    func close() { socket.disconnect() }
}

/// The stream's one iterator, used by one reader at a time.
private final class IteratorBox<Element: Sendable>: @unchecked Sendable {
    private var iterator: AsyncStream<Element>.Iterator

    init(_ iterator: AsyncStream<Element>.Iterator) { self.iterator = iterator }

    func next() async -> Element? { await iterator.next() }
}
