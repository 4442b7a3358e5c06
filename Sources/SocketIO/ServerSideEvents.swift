import SocketIOAdapter
import SocketIOCore
import NIOConcurrencyHelpers
import Synchronization

/// A namespace's ack ids, shared with its adapter (a broadcast with acks
/// from another server takes its id here too, so ids never collide).
final class AckCounter: Sendable {
    private let value = Atomic<UInt64>(0)

    func next() -> UInt64 { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// The handlers of server-side events from other servers, by event name.
final class ServerSideHandlerTable: Sendable {
    private let table = NIOLockedValueBox([String: [ServerSideEventHandler]]())

    func add(_ event: String, _ handler: @escaping ServerSideEventHandler) {
        table.withLockedValue { $0[event, default: []].append(handler) }
    }

    /// Runs the handlers of `arguments[0]` with the rest; an event nobody
    /// handles is dropped (its sender times out waiting, as upstream).
    func deliver(_ arguments: [JSONValue], ack: (@Sendable (JSONValue) -> Void)?) {
        guard let event = arguments.first?.stringValue else { return }
        let handlers = table.withLockedValue { $0[event] ?? [] }
        let rest = Array(arguments.dropFirst())
        for handler in handlers { handler(rest, ack) }
    }
}

/// A server-side event name that upstream reserves (`connect`,
/// `connection`, `new_namespace`).
public struct SocketIOReservedEventError: Error, Sendable, Equatable {
    /// The name.
    public let name: String
}
