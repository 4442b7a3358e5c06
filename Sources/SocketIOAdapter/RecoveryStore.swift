import NIOCore
import NIOConcurrencyHelpers
import SocketIOCore
import DequeModule

/// Connection state recovery's memory: the sessions of sockets that lost
/// their connection, and the packets broadcast since, each with an offset.
///
/// Shared by every loop (a client may come back on another one) behind a
/// lock; touched only when recovery is on, by broadcasts that carry an
/// offset and by (re)connections.
///
/// Bounds: entries older than the recovery window are dropped on every
/// insert; at most `maxPackets` packets are kept (the oldest go first, and a
/// client whose offset fell out of the buffer simply is not recovered).
final class RecoveryStore: Sendable {
    private struct StoredPacket {
        var offset: String
        var options: BroadcastOptions
        var packet: SocketIOPacket
        var time: NIODeadline
    }

    private struct State {
        var sessions: [String: (session: PersistedSession, time: NIODeadline)] = [:]
        var packets = Deque<StoredPacket>()
        var counter: UInt64 = 0
    }

    let window: TimeAmount
    let maxPackets: Int
    private let prefix: String
    private let state = NIOLockedValueBox(State())

    init(window: TimeAmount, maxPackets: Int = 100_000) {
        self.window = window
        self.maxPackets = maxPackets
        var rng = SystemRandomNumberGenerator()
        self.prefix = String(UInt32.random(in: .min ... .max, using: &rng), radix: 36)
    }

    /// Stores a broadcast packet; returns the offset appended to it and its
    /// place in the order of stored packets.
    func store(_ packet: SocketIOPacket, options: BroadcastOptions) -> (offset: String, sequence: UInt64) {
        let now = NIODeadline.now()
        return state.withLockedValue { state in
            state.counter += 1
            let offset = "\(prefix)-\(String(state.counter, radix: 36))"
            var stored = packet
            if case .array(var arguments)? = stored.data {
                arguments.append(.string(offset))
                stored.data = .array(arguments)
            }
            state.packets.append(StoredPacket(offset: offset, options: options, packet: stored, time: now))
            prune(&state, now: now)
            return (offset, state.counter)
        }
    }

    func persist(_ session: PersistedSession) {
        let now = NIODeadline.now()
        state.withLockedValue { state in
            state.sessions[session.pid] = (session, now)
            prune(&state, now: now)
        }
    }

    /// The session and what it missed, removing the session (one use), with
    /// the place of the last stored packet: every packet up to it that the
    /// socket's rooms match is among the missed ones, so a live delivery of
    /// one of them still on its way must be skipped.
    func restore(pid: String, offset: String) -> (session: RecoveredSession, through: UInt64)? {
        let now = NIODeadline.now()
        return state.withLockedValue { state in
            prune(&state, now: now)
            guard let entry = state.sessions.removeValue(forKey: pid) else { return nil }
            guard let index = state.packets.firstIndex(where: { $0.offset == offset }) else { return nil }
            let rooms = Set(entry.session.rooms)
            var missed: [SocketIOPacket] = []
            for stored in state.packets[(index + 1)...] where stored.options.matches(socketRooms: rooms) {
                missed.append(stored.packet)
            }
            return (RecoveredSession(session: entry.session, missedPackets: missed), state.counter)
        }
    }

    private func prune(_ state: inout State, now: NIODeadline) {
        let oldest = now - window
        while let first = state.packets.first, first.time < oldest || state.packets.count > maxPackets {
            state.packets.removeFirst()
        }
        if state.sessions.count > 0, state.sessions.values.contains(where: { $0.time < oldest }) {
            state.sessions = state.sessions.filter { $0.value.time >= oldest }
        }
    }
}
