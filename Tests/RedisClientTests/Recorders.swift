import RedisClient
import Synchronization

/// Collects what a connection or subscriber reports, for tests to wait on.
final class StateRecorder: Sendable {
    private let states = Mutex<[RedisConnectionState]>([])

    var callback: @Sendable (RedisConnectionState) -> Void {
        { state in self.states.withLock { $0.append(state) } }
    }

    var connectedCount: Int {
        states.withLock { $0.filter { if case .connected = $0 { true } else { false } }.count }
    }

    var disconnectedCount: Int { states.withLock { $0.count } - connectedCount }

    var errors: [any Error] {
        states.withLock { $0.compactMap { if case .disconnected(let error) = $0 { error } else { nil } } }
    }
}

/// Collects the messages a subscriber receives, in order.
final class MessageRecorder: Sendable {
    private let messages = Mutex<[RedisPubSubMessage]>([])

    var callback: @Sendable (RedisPubSubMessage) -> Void {
        { message in self.messages.withLock { $0.append(message) } }
    }

    var all: [RedisPubSubMessage] { messages.withLock { $0 } }
}
