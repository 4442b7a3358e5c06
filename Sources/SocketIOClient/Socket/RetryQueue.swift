import DequeModule
import SocketIOCore

/// The queue behind `retries` (at-least-once delivery), as a pure value:
/// the JavaScript client's `_queue` algorithm.
///
/// Emits wait in order; only the head is in flight. Each try asks the server
/// for an ack. An ack delivers the head and the next one goes; a failed try
/// (ack timeout, disconnection) sends the head again, up to `retries` more
/// times, then gives up on it. An ack that arrives for a try that is no
/// longer the head (a late duplicate) is ignored, so the caller's ack runs
/// exactly once however many tries reached the server.
///
/// Unlike the JavaScript client, the answer to a try of the head that
/// already timed out still delivers the head (``headTry(ackID:)``): a slow
/// server that answers after `ackTimeout` has the emit, so the client stops
/// sending it and gives the caller that answer, where JavaScript drops it,
/// sends again and, if every answer is late, fails an emit the server got.
///
/// Bounded: ``enqueue(name:arguments:flags:)`` refuses a new emit when
/// `capacity` emits wait (the caller fails its ack with `bufferFull`).
struct RetryQueue: Sendable {
    struct Entry: Sendable {
        let seq: UInt64
        let name: String
        let arguments: [JSONValue]
        let flags: EmitFlags
        /// Tries made so far (incremented when a try is sent).
        var tryCount = 0
        /// A try is in flight.
        var pending = false
        /// The ack ids the tries were sent with, oldest first (ack ids are
        /// never reused, so an id names one try).
        var tryAckIDs: [UInt64] = []
    }

    /// What an ack (or a failed try) means for the queue.
    enum AckOutcome: Sendable, Hashable {
        /// Not for the head: already delivered or given up; ignore.
        case stale
        /// Delivered: the head is removed; call its ack with the answer.
        case delivered
        /// The try failed; the head stays and is sent again.
        case retry
        /// The try failed and no retries are left: the head is removed;
        /// fail its ack.
        case exhausted
    }

    let capacity: Int
    private(set) var entries = Deque<Entry>()
    private var nextSeq: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Adds an emit; nil (nothing added) when the queue is full.
    mutating func enqueue(name: String, arguments: [JSONValue], flags: EmitFlags) -> UInt64? {
        guard entries.count < capacity else { return nil }
        let seq = nextSeq
        nextSeq &+= 1
        entries.append(Entry(seq: seq, name: name, arguments: arguments, flags: flags))
        return seq
    }

    /// The head, when it should be sent now: not already in flight (unless
    /// `force`, used after a reconnection). Marks it in flight and counts
    /// the try.
    mutating func nextTry(force: Bool) -> Entry? {
        guard var head = entries.first, !head.pending || force else { return nil }
        head.pending = true
        head.tryCount += 1
        entries[0] = head
        return head
    }

    /// Records the ack id try `seq` was sent with (ignored unless `seq` is
    /// still the head).
    mutating func sent(seq: UInt64, ackID: UInt64) {
        guard entries.first?.seq == seq else { return }
        entries[0].tryAckIDs.append(ackID)
    }

    /// The head's sequence number when `ackID` is one of its tries', even
    /// one that timed out; nil otherwise (an answer nobody awaits).
    func headTry(ackID: UInt64) -> UInt64? {
        guard let head = entries.first, head.tryAckIDs.contains(ackID) else { return nil }
        return head.seq
    }

    /// The outcome of try `seq`: acknowledged (`failed == false`), or timed
    /// out / disconnected.
    mutating func acknowledge(seq: UInt64, failed: Bool, retries: Int) -> AckOutcome {
        guard let head = entries.first, head.seq == seq else { return .stale }
        guard failed else {
            entries.removeFirst()
            return .delivered
        }
        if head.tryCount > retries {
            entries.removeFirst()
            return .exhausted
        }
        entries[0].pending = false
        return .retry
    }
}
