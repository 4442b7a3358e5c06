import Foundation
package import RoomEngine

/// One thing the recorder was told, stamped with the wall-clock time (µs).
package enum RecorderEvent: Sendable {
    case started(RecordedSession, at: Int64)
    case joined(RoomID, MemberID, metadata: [String: String], afterTick: UInt64, at: Int64)
    case left(RoomID, MemberID, afterTick: UInt64, at: Int64)
    /// A member's connection dropped (`away`) or it came back.
    case presence(RoomID, MemberID, away: Bool, afterTick: UInt64, at: Int64)
    case tick(RecordedTick, at: Int64)
    case snapshot(RoomSnapshot, at: Int64)
    /// A large state's snapshot, encoded by the writer (see
    /// `RoomRecorder.snapshotTaken(encoding:)`).
    case deferredSnapshot(DeferredSnapshot, at: Int64)
    case ended(RoomID, finalTick: UInt64, finalHash: UInt64, dropped: Int, at: Int64)
    /// Control: the queue overflowed for this room; its recording stops at `fromTick`.
    case gap(RoomID, fromTick: UInt64)

    /// A rough memory cost, for the byte bound.
    package var approximateBytes: Int {
        switch self {
        case .tick(let tick, _): 64 + tick.inputs.reduce(0) { $0 + 32 + $1.bytes.count }
        case .snapshot(let snapshot, _): 128 + snapshot.state.count
        case .deferredSnapshot(let snapshot, _): 128 + snapshot.sizeHint
        default: 128
        }
    }
}

/// The bounded hand-off between rooms' event loops and the writer thread.
///
/// Ownership: every stored property is guarded by `condition` (a lock with
/// a condition variable); producers hold it for an append, the writer for a
/// swap of the whole pending array, so neither side waits on I/O.
///
/// Overflow policy (drop-and-mark, never silent):
/// * `started` and `ended` are always accepted (at most one of each per room
///   is ever pending, so they are bounded by the number of rooms).
/// * A snapshot that does not fit is dropped and counted; snapshots only
///   speed up replays, the recording stays complete. So is a member's
///   presence (away, back): replays do not need it.
/// * A tick, join or leave that does not fit puts its room in *gap* state:
///   a `gap(room, fromTick)` marker is queued (bypassing the bound, once per
///   room), and every later event of that room except its `ended` is
///   dropped and counted. The store marks the session `gap_from_tick`, and
///   `verify` reports it: the recording is trustworthy up to that tick only.
package final class RecorderQueue: @unchecked Sendable {
    package struct Limits: Sendable {
        package var events: Int
        package var bytes: Int
        package var batchEvents: Int
        package var commitIntervalMicroseconds: Int64

        package init(events: Int, bytes: Int, batchEvents: Int, commitIntervalMicroseconds: Int64) {
            self.events = events
            self.bytes = bytes
            self.batchEvents = batchEvents
            self.commitIntervalMicroseconds = commitIntervalMicroseconds
        }

        /// The limits ``RecorderOptions`` describe (every backend's recorder uses them).
        package init(_ options: RecorderOptions) {
            let interval = options.commitInterval.components
            self.init(events: options.queueCapacity, bytes: options.queueByteCapacity, batchEvents: options.batchEvents,
                      commitIntervalMicroseconds: interval.seconds * 1_000_000 + interval.attoseconds / 1_000_000_000_000)
        }
    }

    /// What the producers did, for ``SnapshotRecorder/statistics``.
    package struct Counters: Sendable {
        package var accepted = 0
        package var dropped = 0
        package var droppedSnapshots = 0
        package var gaps = 0
        package var maxDepth = 0
    }

    package let limits: Limits
    private let condition = NSCondition()
    private var pending: [RecorderEvent] = []
    private var pendingBytes = 0
    private var oldestPendingAt: Int64?
    private var gapRooms: [RoomID: Int] = [:]  // room → events dropped since its gap
    private var counters = Counters()
    private var closing = false
    private var accepting = true
    private var paused = false
    private var flushRequests = 0
    private var completedFlushes = 0
    private var writerDone = false

    package init(limits: Limits) {
        self.limits = limits
    }

    // MARK: Producers (any thread, never blocking on I/O)

    /// Offers one event; returns whether it was queued.
    @discardableResult
    package func offer(_ event: RecorderEvent, room: RoomID) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else {
            counters.dropped += 1
            return false
        }
        switch event {
        case .started:
            gapRooms[room] = nil
            append(event)
            return true
        case .ended(let room, let finalTick, let finalHash, _, let at):
            let dropped = gapRooms.removeValue(forKey: room) ?? 0
            append(.ended(room, finalTick: finalTick, finalHash: finalHash, dropped: dropped, at: at))
            return true
        default:
            break
        }
        if gapRooms[room] != nil {
            gapRooms[room, default: 0] += 1
            counters.dropped += 1
            return false
        }
        let cost = event.approximateBytes
        if pending.count < limits.events, pendingBytes + cost <= limits.bytes {
            append(event, cost: cost)
            return true
        }
        counters.dropped += 1
        switch event {
        case .snapshot, .deferredSnapshot:
            counters.droppedSnapshots += 1
        case .tick(let tick, _):
            markGap(room, from: tick.tick)
        case .joined(_, _, _, let afterTick, _), .left(_, _, let afterTick, _):
            markGap(room, from: afterTick + 1)
        default:
            break
        }
        return false
    }

    private func markGap(_ room: RoomID, from tick: UInt64) {
        gapRooms[room] = 1
        counters.gaps += 1
        append(.gap(room, fromTick: tick))
    }

    private func append(_ event: RecorderEvent, cost: Int = 128) {
        if pending.isEmpty { oldestPendingAt = WallClock.now() }
        pending.append(event)
        pendingBytes += cost
        counters.accepted += 1
        counters.maxDepth = max(counters.maxDepth, pending.count)
        if pending.count == 1 || pending.count >= limits.batchEvents { condition.broadcast() }
    }

    package var statistics: Counters {
        condition.lock()
        defer { condition.unlock() }
        return counters
    }

    // MARK: Control (any thread but the writer)

    /// Blocks until every event offered before the call is committed.
    package func flush() {
        condition.lock()
        flushRequests += 1
        let ticket = flushRequests
        condition.broadcast()
        while completedFlushes < ticket, !writerDone { condition.wait() }
        condition.unlock()
    }

    /// Refuses new events; the writer drains what is queued and stops.
    package func close() {
        condition.lock()
        accepting = false
        closing = true
        paused = false
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses new events and drops what is queued: the writer stops without
    /// committing more, as if the process had died (tests only).
    package func abandon() {
        condition.lock()
        accepting = false
        closing = true
        paused = false
        pending = []
        pendingBytes = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Holds the writer between batches (tests only: makes overflow deterministic).
    package func setPaused(_ value: Bool) {
        condition.lock()
        paused = value
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The writer

    /// Waits for the next batch: returns once the oldest event is a commit
    /// interval old, the batch is full, a flush is requested or the queue
    /// closes; `nil` when closed and drained. `maintenanceDue` bounds idle
    /// waits so retention can run; the batch is then empty.
    package func nextBatch(maintenanceDue: Int64?) -> (events: [RecorderEvent], depth: Int, flushTicket: Int)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if closing, pending.isEmpty { return nil }
            if paused {
                condition.wait()
                continue
            }
            let now = WallClock.now()
            let flushWanted = flushRequests > completedFlushes
            if let oldest = oldestPendingAt {
                let due = oldest + limits.commitIntervalMicroseconds
                if closing || flushWanted || pending.count >= limits.batchEvents || now >= due {
                    return take()
                }
                _ = condition.wait(until: date(microseconds: due))
            } else if flushWanted {
                return take()
            } else if let maintenanceDue {
                if now >= maintenanceDue { return ([], 0, completedFlushes) }
                _ = condition.wait(until: date(microseconds: maintenanceDue))
            } else {
                condition.wait()
            }
        }
    }

    private func take() -> (events: [RecorderEvent], depth: Int, flushTicket: Int) {
        let events = pending
        pending = []
        pendingBytes = 0
        oldestPendingAt = nil
        return (events, events.count, flushRequests)
    }

    /// The writer committed everything up to `ticket`'s flush requests.
    package func committed(flushTicket ticket: Int) {
        condition.lock()
        if ticket > completedFlushes {
            completedFlushes = ticket
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The writer stopped: releases every waiting flush.
    package func writerStopped() {
        condition.lock()
        closing = true
        accepting = false
        writerDone = true
        completedFlushes = flushRequests
        condition.broadcast()
        condition.unlock()
    }

    private func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
