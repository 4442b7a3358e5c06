public import NIOCore

/// A monotonic clock, injected so that tests and replays control time.
public protocol RoomClock: Sendable {
    /// The current monotonic time.
    func now() -> NIODeadline
}

/// The real monotonic clock (`NIODeadline.now()`).
public struct SystemRoomClock: RoomClock {
    /// Creates the clock.
    public init() {}

    /// `NIODeadline.now()`.
    public func now() -> NIODeadline { .now() }
}

/// The serial executor a ``RoomRunner`` owns its room on: an event loop in
/// production (``EventLoopRoomLoop``), a ``ManualRoomLoop`` in tests.
///
/// Everything a runner mutates is touched only inside tasks submitted here,
/// so the loop is the single owner of the room's state; callers on other
/// threads hop in with ``execute(_:)``.
public protocol RoomLoop: RoomClock {
    /// Whether the caller is already running on this loop.
    var inLoop: Bool { get }
    /// Runs `task` on the loop, after the tasks submitted before it.
    func execute(_ task: @escaping @Sendable () -> Void)
    /// Runs `task` on the loop at `deadline` (or as soon after as it can).
    func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer
}

/// A scheduled task that can be cancelled.
public protocol RoomLoopTimer: Sendable {
    /// Cancels the task if it has not run yet.
    func cancel()
}

/// Runs rooms on a SwiftNIO event loop, the production setting: the Socket.IO
/// binding gives each room one loop of its `EventLoopGroup`.
///
/// ```swift
/// let runner = RoomRunner(room: room, loop: EventLoopRoomLoop(group.next()), sink: binding)
/// runner.start()
/// ```
public struct EventLoopRoomLoop: RoomLoop {
    /// The underlying event loop.
    public let eventLoop: any EventLoop

    /// Wraps `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// `eventLoop.inEventLoop`.
    public var inLoop: Bool { eventLoop.inEventLoop }

    /// `eventLoop.execute(_:)`.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        eventLoop.execute(task)
    }

    /// `eventLoop.scheduleTask(deadline:_:)`, deadline-based so that a fixed
    /// tick rate does not drift by the time each tick takes.
    public func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer {
        ScheduledTimer(scheduled: eventLoop.scheduleTask(deadline: deadline, task))
    }

    /// The real monotonic clock.
    public func now() -> NIODeadline { .now() }

    private struct ScheduledTimer: RoomLoopTimer {
        let scheduled: Scheduled<Void>
        func cancel() { scheduled.cancel() }
    }
}
