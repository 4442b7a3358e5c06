public import NIOCore

/// A ``RoomLoop`` whose time only moves when told to: for tests, and for
/// driving rooms deterministically (no threads, no sleeping).
///
/// ``execute(_:)`` runs the task at once on the caller's thread (tasks
/// submitted while one is running queue behind it), and scheduled tasks run
/// inside ``advance(by:)`` in deadline order with the clock set to each
/// task's deadline. Like NIO's `EmbeddedEventLoop`, it must be driven by one
/// thread or task at a time; it does no locking of its own.
///
/// ```swift
/// let loop = ManualRoomLoop()
/// let runner = RoomRunner(room: room, loop: loop, sink: sink)
/// runner.start()
/// loop.advance(by: .milliseconds(100))   // two whiteboard ticks at 20 Hz
/// ```
public final class ManualRoomLoop: RoomLoop, @unchecked Sendable {
    private struct Pending {
        var deadline: NIODeadline
        var order: UInt64
        var task: @Sendable () -> Void
    }

    private var time: NIODeadline
    private var pending: [Pending] = []
    private var nextOrder: UInt64 = 0
    private var running = false
    private var queued: [@Sendable () -> Void] = []

    /// Creates a loop whose clock starts at `start`.
    public init(start: NIODeadline = .uptimeNanoseconds(1_000_000_000)) {
        time = start
    }

    /// Always true: the driving thread is the loop.
    public var inLoop: Bool { true }

    /// The loop's current time.
    public func now() -> NIODeadline { time }

    /// The number of scheduled tasks not run or cancelled yet.
    public var scheduledTaskCount: Int { pending.count }

    /// Runs `task` now, or right after the task currently running.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        queued.append(task)
        drainQueued()
    }

    /// Remembers `task` for ``advance(by:)``.
    public func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer {
        nextOrder += 1
        pending.append(Pending(deadline: deadline, order: nextOrder, task: task))
        return Timer(loop: self, order: nextOrder)
    }

    /// Moves time forward by `amount`, running every task that falls due in
    /// deadline order (tasks scheduled by those tasks included).
    public func advance(by amount: TimeAmount) {
        advance(to: time + amount)
    }

    /// Moves time forward to `target` (never backwards), running due tasks.
    public func advance(to target: NIODeadline) {
        while let index = nextDueIndex(before: target) {
            let due = pending.remove(at: index)
            time = max(time, due.deadline)
            queued.append(due.task)
            drainQueued()
        }
        time = max(time, target)
    }

    private func nextDueIndex(before target: NIODeadline) -> Int? {
        var best: Int?
        for index in pending.indices where pending[index].deadline <= target {
            if let current = best {
                let candidate = pending[index]
                let incumbent = pending[current]
                if (candidate.deadline, candidate.order) < (incumbent.deadline, incumbent.order) { best = index }
            } else {
                best = index
            }
        }
        return best
    }

    private func drainQueued() {
        guard !running else { return }
        running = true
        while !queued.isEmpty {
            queued.removeFirst()()
        }
        running = false
    }

    fileprivate func cancel(order: UInt64) {
        pending.removeAll { $0.order == order }
    }

    private struct Timer: RoomLoopTimer {
        let loop: ManualRoomLoop
        let order: UInt64
        func cancel() { loop.cancel(order: order) }
    }
}
