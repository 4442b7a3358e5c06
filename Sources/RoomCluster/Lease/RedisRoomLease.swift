public import Logging
import NIOCore
public import RedisClient
public import RoomEngine

/// One room's lease in Redis, acquired and kept by this node: the I/O edge
/// of ``RoomLeaseMachine``. Hand ``grant`` to the room's runner
/// (``RoomOwnership``): the room ticks here only while it holds.
///
/// Threading: the machine and the timer live on the connection's event
/// loop; every public method hops there. Lifetime: an acquired lease keeps
/// itself alive (its renewal timer is scheduled) until it is released or
/// lost; `onLost` is called once, on the loop, when a held lease ends by
/// expiry or takeover (not by ``release()``).
///
/// ```swift
/// let lease = RedisRoomLease(room: "whiteboard-1", node: "node-a", connection: redis) { loss in
///     logger.warning("lost whiteboard-1: \(loss)")
/// }
/// switch await lease.acquire() {
/// case .success(let fence): print("ticking with fence", fence)
/// case .failure(let refusal): print("not ours:", refusal)
/// }
/// ```
public final class RedisRoomLease: Sendable {
    /// The room.
    public let room: RoomID
    /// This node's name in the lease's value.
    public let node: String
    /// The ownership to start the room's runner with.
    public let grant = RoomLeaseGrant()
    /// The lease's timing.
    public let timing: LeaseTiming

    private let keys: ClusterKeys
    private let connection: RedisConnection
    private let logger: Logger
    private let driver: NIOLoopBoundBox<Driver>

    /// A lease not yet acquired.
    public init(
        room: RoomID,
        node: String,
        connection: RedisConnection,
        keys: ClusterKeys = ClusterKeys(),
        timing: LeaseTiming = LeaseTiming(),
        logger: Logger = Logger(label: "huddle.cluster.lease"),
        onLost: @escaping @Sendable (LeaseLoss) -> Void = { _ in }
    ) {
        self.room = room
        self.node = node
        self.keys = keys
        self.timing = timing
        self.connection = connection
        var logger = logger
        logger[metadataKey: "room"] = "\(room)"
        self.logger = logger
        self.driver = .makeBoxSendingValue(Driver(machine: RoomLeaseMachine(timing: timing), onLost: onLost), eventLoop: connection.eventLoop)
    }


    /// Asks Redis for the lease: the fence when this node now holds it, or
    /// why not. After a refusal or a loss it may be asked again.
    public func acquire() async -> Result<UInt64, LeaseRefusal> {
        let promise = connection.eventLoop.makePromise(of: Result<UInt64, LeaseRefusal>.self)
        connection.eventLoop.execute {
            let driver = self.driver.value
            if let earlier = driver.acquisition {
                earlier.futureResult.cascade(to: promise)
                return
            }
            driver.acquisition = promise
            self.perform(driver.machine.acquire(now: .now()))
            if driver.acquisition != nil, case .held(let holding) = driver.machine.state {
                // Already held: the same fence.
                driver.acquisition = nil
                promise.succeed(.success(holding.fence))
            }
        }
        return (try? await promise.futureResult.get()) ?? .failure(.unreachable)
    }

    /// Gives the lease up: the room stops holding at once, and the key is
    /// deleted if it is still this acquisition's.
    public func release() async {
        let done = connection.eventLoop.makePromise(of: Void.self)
        connection.eventLoop.execute {
            let actions = self.driver.value.machine.release(now: .now())
            self.perform(actions, completing: done)
        }
        try? await done.futureResult.get()
    }

    /// Where the lease stands (read on the loop).
    public func state() async -> RoomLeaseMachine.State {
        (try? await connection.eventLoop.submit { self.driver.value.machine.state }.get()) ?? .idle
    }

    // MARK: On the loop

    private func perform(_ actions: [RoomLeaseMachine.Action], completing done: EventLoopPromise<Void>? = nil) {
        let driver = driver.value
        var releases: [EventLoopFuture<Void>] = []
        for action in actions {
            switch action {
            case .sendAcquire:
                sendAcquire()
            case .sendRenewal(let fence):
                sendRenewal(fence: fence)
            case .sendRelease(let fence):
                releases.append(sendRelease(fence: fence))
            case .grant(let fence, let validUntil):
                grant.extend(fence: fence, until: validUntil)
                if let acquisition = driver.acquisition {
                    driver.acquisition = nil
                    acquisition.succeed(.success(fence))
                }
            case .revoke(let loss):
                grant.revoke()
                driver.timer?.cancel()
                driver.timer = nil
                if loss != .released {
                    logger.warning("room lease lost", metadata: ["reason": "\(loss)"])
                    driver.onLost(loss)
                }
            case .notAcquired(let refusal):
                if let acquisition = driver.acquisition {
                    driver.acquisition = nil
                    acquisition.succeed(.failure(refusal))
                }
            case .wake(let deadline):
                driver.timer?.cancel()
                driver.timer = connection.eventLoop.scheduleTask(deadline: deadline) {
                    self.driver.value.timer = nil
                    self.perform(self.driver.value.machine.timerFired(now: .now()))
                }
            }
        }
        if case .released = driver.machine.state, let acquisition = driver.acquisition {
            driver.acquisition = nil
            acquisition.succeed(.failure(.released))
        }
        guard let done else { return }
        EventLoopFuture.andAllComplete(releases, on: connection.eventLoop).cascade(to: done)
    }

    private func sendAcquire() {
        let milliseconds = Int(timing.duration.nanoseconds / 1_000_000)
        connection.send("EVAL", [
            RedisArgument(RoomLeaseScripts.acquire), "2", RedisArgument(keys.lease(of: room)), RedisArgument(keys.fence(of: room)),
            RedisArgument(node), RedisArgument(milliseconds),
        ]).whenComplete { result in
            let now = NIODeadline.now()
            switch result {
            case .success(let reply):
                let parts = reply.array ?? []
                if let fence = parts.first?.int, fence > 0 {
                    self.perform(self.driver.value.machine.acquired(fence: UInt64(fence), now: now))
                } else if parts.count == 2, let holder = parts[1].string {
                    self.perform(self.driver.value.machine.refused(holder: holder, now: now))
                } else {
                    self.logger.error("unexpected reply to the lease acquisition", metadata: ["reply": "\(reply)"])
                    self.perform(self.driver.value.machine.acquireFailed(now: now))
                }
            case .failure(let error):
                self.logger.debug("lease acquisition failed", metadata: ["error": "\(error)"])
                self.perform(self.driver.value.machine.acquireFailed(now: now))
            }
        }
    }

    private func sendRenewal(fence: UInt64) {
        let milliseconds = Int(timing.duration.nanoseconds / 1_000_000)
        connection.send("EVAL", [
            RedisArgument(RoomLeaseScripts.renew), "1", RedisArgument(keys.lease(of: room)),
            RedisArgument("\(node)/\(fence)"), RedisArgument(milliseconds),
        ]).whenComplete { result in
            let now = NIODeadline.now()
            switch result {
            case .success(let reply):
                self.perform(self.driver.value.machine.renewed(stillHeld: reply.int == 1, now: now))
            case .failure(let error):
                self.logger.debug("lease renewal failed", metadata: ["error": "\(error)"])
                self.perform(self.driver.value.machine.renewalFailed(now: now))
            }
        }
    }

    private func sendRelease(fence: UInt64) -> EventLoopFuture<Void> {
        connection.send("EVAL", [
            RedisArgument(RoomLeaseScripts.release), "1", RedisArgument(keys.lease(of: room)), RedisArgument("\(node)/\(fence)"),
        ]).map { _ in }.recover { error in
            // The key expires on its own.
            self.logger.debug("lease release failed", metadata: ["error": "\(error)"])
        }
    }

    /// What lives on the loop.
    private final class Driver {
        var machine: RoomLeaseMachine
        var timer: Scheduled<Void>?
        var acquisition: EventLoopPromise<Result<UInt64, LeaseRefusal>>?
        let onLost: @Sendable (LeaseLoss) -> Void

        init(machine: RoomLeaseMachine, onLost: @escaping @Sendable (LeaseLoss) -> Void) {
            self.machine = machine
            self.onLost = onLost
        }
    }
}
