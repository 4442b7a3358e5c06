public import Logging
public import NIOCore

/// Owns one ``Room`` on one ``RoomLoop`` and ticks it at the kind's fixed
/// rate, delivering outputs to a sink and history to a recorder.
///
/// Threading: every stored mutable property is touched only on `loop`
/// (asserted), which makes the loop the room's single owner; that is why the
/// class can be `Sendable`. Any thread may call the public methods: joins,
/// leaves and inspections hop onto the loop; inputs and delta
/// acknowledgements wait in a ``RoomInbox`` that the next tick drains (no hop
/// per input), and are applied in the order they were posted.
///
/// Timing: ticks are scheduled by deadline (`start + n × interval`), not by
/// "interval after the previous tick", so the rate does not drift. Each
/// tick's lateness is measured in ``TickJitter``; if the loop falls more than
/// a whole interval behind, missed slots are skipped, never burst.
///
/// Lifetime: a started runner keeps itself alive (its next tick is
/// scheduled on the loop) until ``stop(completion:)``, which releases it,
/// or until its ``RoomOwnership`` (when given) stops holding: then it is
/// fenced, which releases it too but ends nothing (the room's session goes
/// on where the room is resumed; see ``RoomOwnership``).
///
/// The recorder, when given, receives the session start, every join and
/// leave, every tick's input batch and state hash, and a snapshot every
/// `snapshotInterval` ticks — plain values, handed over on the loop.
///
/// The tick path is `@inlinable`: started from a ``RoomKindEntry`` (built
/// in the kind's own module), the whole tick is compiled for the concrete
/// logic. A runner made and started directly runs the generic code.
///
/// ```swift
/// let runner = RoomRunner(
///     room: Room(id: "counter-1", logic: CounterLogic(), seed: 42),
///     loop: EventLoopRoomLoop(group.next()),
///     sink: binding
/// )
/// runner.start()
/// try await runner.join("alice", metadata: [:])
/// runner.enqueue(bytes, from: "alice") { result in /* receipt or RoomError */ }
/// ```
public final class RoomRunner<Logic: RoomLogic>: RunningRoom, @unchecked Sendable {
    /// The room's identifier.
    public let id: RoomID
    /// The room's kind.
    public let kind: RoomKind
    /// The loop that owns the room.
    public let loop: any RoomLoop
    /// The fixed tick interval (from the kind's ``RoomRules``).
    public let tickInterval: TimeAmount
    /// Capacity, tick rate and input limits (the logic's ``RoomLogic/rules``).
    public let rules: RoomRules

    @usableFromInline let sink: any RoomOutputSink
    @usableFromInline let recorder: (any RoomRecorder)?
    @usableFromInline let snapshotInterval: UInt64
    @usableFromInline let logger: Logger
    @usableFromInline let inbox: RoomInbox
    @usableFromInline let ownership: (any RoomOwnership)?
    @usableFromInline let resumedFrom: SessionLink?

    /// `fenced`: the ownership stopped holding; like `stopped` for every
    /// request, but the session was not ended.
    @usableFromInline enum Phase { case idle, running, stopped, fenced }

    // Loop-owned state.
    @usableFromInline var room: Room<Logic>
    @usableFromInline var phase = Phase.idle
    @usableFromInline var timer: (any RoomLoopTimer)?
    @usableFromInline var jitter = TickJitter()

    /// Creates a runner; nothing happens until ``start()``.
    ///
    /// - Parameters:
    ///   - snapshotInterval: ticks between snapshots handed to the recorder.
    ///   - ownership: asked before every tick; the room is fenced at its
    ///     first `false` (``RoomOwnership``). Without one, the room always ticks.
    ///   - resumedFrom: the recording this room's state continues (a room
    ///     resumed from a store, ``RoomResumePoint``): its new session names it.
    ///   - logger: where starts, stops and skipped ticks are logged.
    public init(
        room: Room<Logic>,
        loop: any RoomLoop,
        sink: any RoomOutputSink,
        recorder: (any RoomRecorder)? = nil,
        snapshotInterval: UInt64 = 600,
        ownership: (any RoomOwnership)? = nil,
        resumedFrom: SessionLink? = nil,
        logger: Logger = Logger(label: "huddle.room-runner")
    ) {
        precondition(snapshotInterval > 0)
        self.id = room.id
        self.kind = room.logic.kind
        self.loop = loop
        self.tickInterval = .nanoseconds(room.logic.rules.tickIntervalNanoseconds)
        self.rules = room.logic.rules
        self.sink = sink
        self.recorder = recorder
        self.snapshotInterval = snapshotInterval
        self.ownership = ownership
        self.resumedFrom = resumedFrom
        var logger = logger
        logger[metadataKey: "room"] = "\(room.id)"
        self.logger = logger
        self.room = room
        // Room-wide reliable bound plus a volatile input per seat: a full
        // room's traffic between two ticks always fits.
        self.inbox = RoomInbox(inputLimit: room.logic.rules.roomReliableQueueLimit + 2 * room.logic.rules.capacity)
    }

    // MARK: Lifecycle

    /// Starts ticking: records the session and schedules the first tick one
    /// interval from now.
    @inlinable
    public func start() {
        loop.execute {
            guard self.phase == .idle else { return }
            self.phase = .running
            if let recorder = self.recorder {
                recorder.sessionStarted(RecordedSession(
                    roomID: self.id, kind: self.kind, logicVersion: self.room.logic.logicVersion,
                    seed: self.room.seed, config: self.room.config, stateHashing: .fingerprint,
                    resumedFrom: self.resumedFrom
                ))
                if self.room.tick > 0 { recorder.snapshotTaken(self.room.snapshot()) }
            }
            self.logger.debug("room started", metadata: ["kind": "\(self.kind)", "tick": "\(self.room.tick)"])
            self.scheduleTick(at: self.loop.now() + self.tickInterval)
        }
    }

    /// Stops ticking for good: the logic terminates, the sink gets the final
    /// operations and the recorder the final hash. Later calls are refused
    /// with ``RoomError/roomClosed``.
    public func stop(completion: (@Sendable () -> Void)? = nil) {
        loop.execute {
            defer { completion?() }
            guard self.phase != .stopped, self.phase != .fenced else { return }
            self.phase = .stopped
            self.timer?.cancel()
            self.timer = nil
            let waiting = self.inbox.close()
            for input in waiting.inputs { input.completion(.failure(.roomClosed)) }
            for acknowledgement in waiting.acknowledgements.values { acknowledgement.completion(.failure(.roomClosed)) }
            let operations = self.room.terminate()
            self.sink.roomDidStop(self.id, finalOperations: operations, memberOperations: self.room.finalMemberOperations)
            self.recorder?.sessionEnded(room: self.id, finalTick: self.room.tick, finalStateHash: self.room.stateHash(.fingerprint))
            self.logger.debug("room stopped", metadata: ["tick": "\(self.room.tick)"])
        }
    }

    /// Stops ticking without ending the session: fenced, as when the
    /// ownership stops holding (see ``RunningRoom/handOver(completion:)``).
    /// A stopped or fenced room only runs the completion.
    public func handOver(completion: (@Sendable () -> Void)? = nil) {
        loop.execute {
            defer { completion?() }
            guard self.phase == .running || self.phase == .idle else { return }
            self.fence()
        }
    }

    // MARK: Requests from any thread

    /// Admits a member; the result arrives on the loop.
    public func join(
        _ member: MemberID,
        metadata: [String: String] = [:],
        completion: @escaping @Sendable (Result<Void, RoomError>) -> Void
    ) {
        onLoop(completion) { () throws(RoomError) in
            try self.room.join(member, metadata: metadata)
            self.recorder?.memberJoined(member, metadata: metadata, room: self.id, afterTick: self.room.tick)
        }
    }

    /// Removes a member; the result arrives on the loop.
    public func leave(_ member: MemberID, completion: @escaping @Sendable (Result<Void, RoomError>) -> Void) {
        onLoop(completion) { () throws(RoomError) in
            try self.room.leave(member)
            // What it posted since the last tick goes with it, as its queued inputs do.
            let dropped = self.inbox.removeAll(from: member)
            for input in dropped.inputs { input.completion(.failure(.notAMember(member))) }
            self.recorder?.memberLeft(member, room: self.id, afterTick: self.room.tick)
        }
    }

    /// Queues one encoded input for the next tick. The completion runs on
    /// the loop when that tick takes the input, just before it advances: it
    /// gets the input's receipt number, or the reason it was refused (too
    /// large, malformed, queue full, not a member, room stopped).
    ///
    /// - Parameter acknowledging: a delta tick the member acknowledges along
    ///   with the input (as ``acknowledge(tick:by:completion:)`` would; its
    ///   refusals are not reported).
    public func enqueue(
        _ bytes: [UInt8],
        from member: MemberID,
        acknowledging tick: UInt64? = nil,
        completion: @escaping @Sendable (Result<UInt64, RoomError>) -> Void
    ) {
        let input = RoomInbox.PostedInput(bytes: bytes, member: member, completion: completion)
        let refusal = inbox.post(input, acknowledging: tick.map { RoomInbox.PostedAcknowledgement(tick: $0) { _ in } })
        if let refusal { refuseOnLoop(refusal, completion) }
    }

    /// Records a member's acknowledgement of a delta tick at the next tick
    /// (before its deltas are encoded); the completion runs on the loop, and
    /// only for the newest acknowledgement a member posted before that tick.
    public func acknowledge(
        tick: UInt64,
        by member: MemberID,
        completion: @escaping @Sendable (Result<Void, RoomError>) -> Void = { _ in }
    ) {
        let refusal = inbox.post(RoomInbox.PostedAcknowledgement(tick: tick, completion: completion), by: member)
        if let refusal { refuseOnLoop(refusal, completion) }
    }

    private func refuseOnLoop<Success>(
        _ refusal: RoomInbox.Refusal,
        _ completion: @escaping @Sendable (Result<Success, RoomError>) -> Void
    ) {
        let error: RoomError
        switch refusal {
        case .closed: error = .roomClosed
        case .full(let limit): error = .roomInputQueueFull(limit: limit)
        }
        loop.execute { completion(.failure(error)) }
    }

    /// Reads the room and the jitter measurement on the loop (for metrics,
    /// listings and tests).
    public func inspect<Value: Sendable>(
        _ body: @escaping @Sendable (borrowing Room<Logic>, TickJitter) -> Value,
        completion: @escaping @Sendable (Value) -> Void
    ) {
        loop.execute { completion(body(self.room, self.jitter)) }
    }

    /// The room's snapshot and the jitter measurement, read on the loop.
    public func inspectSnapshot(completion: @escaping @Sendable (RoomSnapshot, TickJitter) -> Void) {
        inspect({ room, jitter in (room.snapshot(), jitter) }, completion: { completion($0.0, $0.1) })
    }

    // MARK: RoomHandle

    /// Async form of ``join(_:metadata:completion:)``.
    public func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError) {
        let result = await withCheckedContinuation { continuation in
            join(member, metadata: metadata) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// Async form of ``leave(_:completion:)``.
    public func leave(_ member: MemberID) async throws(RoomError) {
        let result = await withCheckedContinuation { continuation in
            leave(member) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// Async form of ``stop(completion:)``.
    public func close() async {
        await withCheckedContinuation { continuation in
            stop { continuation.resume() }
        }
    }

    // MARK: Ticking (on the loop)

    @inlinable
    func scheduleTick(at deadline: NIODeadline) {
        timer = loop.schedule(at: deadline) { self.runTick(dueAt: deadline) }
    }

    @inlinable
    func runTick(dueAt deadline: NIODeadline) {
        precondition(loop.inLoop)
        guard phase == .running else { return }
        let firedAt = loop.now()
        if let ownership, !ownership.holds(at: firedAt) {
            fence()
            return
        }
        jitter.record(deadline: deadline, firedAt: firedAt)

        takePosted()
        let advance = room.advance()
        sink.roomDidTick(advance.output)
        if let recorder {
            recorder.tickCompleted(RecordedTick(
                roomID: id, tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash(.fingerprint)
            ))
            if room.tick % snapshotInterval == 0 {
                // A large state is encoded by the recorder, off this loop.
                if let deferred = room.recorderSnapshot() {
                    recorder.snapshotTaken(encoding: deferred)
                } else {
                    recorder.snapshotTaken(room.snapshot())
                }
            }
        }

        var next = deadline + tickInterval
        if next <= firedAt {
            let missed = (firedAt - deadline).nanoseconds / tickInterval.nanoseconds
            jitter.recordSkipped(Int(missed))
            logger.warning("room loop fell behind; skipping ticks", metadata: [
                "tick": "\(room.tick)", "late": "\(firedAt - deadline)", "skipped": "\(missed)",
            ])
            next = deadline + .nanoseconds(tickInterval.nanoseconds * (missed + 1))
        }
        scheduleTick(at: next)
    }

    /// Stops ticking because the room is no longer ours: what waits is
    /// refused, the sink is told, and the session is left as it is (neither
    /// final operations nor a final hash: it goes on elsewhere).
    @usableFromInline
    func fence() {
        phase = .fenced
        timer?.cancel()
        timer = nil
        let waiting = inbox.close()
        for input in waiting.inputs { input.completion(.failure(.roomClosed)) }
        for acknowledgement in waiting.acknowledgements.values { acknowledgement.completion(.failure(.roomClosed)) }
        logger.notice("room fenced: this process no longer runs it", metadata: ["tick": "\(room.tick)"])
        sink.roomDidLoseOwnership(id)
    }

    /// Applies what was posted since the last tick: acknowledgements first
    /// (this tick's deltas use them), then the inputs in posting order.
    @inlinable
    func takePosted() {
        let posted = inbox.drain()
        for (member, acknowledgement) in posted.acknowledgements {
            do throws(RoomError) {
                try room.acknowledge(tick: acknowledgement.tick, by: member)
                acknowledgement.completion(.success(()))
            } catch {
                acknowledgement.completion(.failure(error))
            }
        }
        for input in posted.inputs {
            do throws(RoomError) {
                input.completion(.success(try room.enqueue(input.bytes, from: input.member)))
            } catch {
                input.completion(.failure(error))
            }
        }
    }

    private func onLoop<Success: Sendable>(
        _ completion: @escaping @Sendable (Result<Success, RoomError>) -> Void,
        _ body: @escaping @Sendable () throws(RoomError) -> Success
    ) {
        loop.execute {
            guard self.phase != .stopped, self.phase != .fenced else { return completion(.failure(.roomClosed)) }
            do throws(RoomError) {
                completion(.success(try body()))
            } catch {
                completion(.failure(error))
            }
        }
    }
}
