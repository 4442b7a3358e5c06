/// One authoritative room: a logic, its state, the input queue and the
/// per-recipient delta bookkeeping, with no threads, clocks or sockets.
///
/// `Room` is a value owned by exactly one caller — normally a ``RoomRunner``
/// on its event loop, or a test. Between ticks members join, leave, enqueue
/// inputs and acknowledge deltas; ``advance()`` then runs one tick and
/// returns what to send. Given the same seed and the same calls in the same
/// order, two rooms produce byte-identical states.
///
/// Its methods are `@inlinable`: a kind's module (where `Logic` is concrete)
/// compiles the tick for its own types, so the hot path pays no generic
/// dispatch (see ``RoomKindEntry``).
///
/// ```swift
/// var room = Room(id: "counter-1", logic: CounterLogic(), seed: 42)
/// try room.join("alice")
/// _ = try room.enqueue(CounterInput.add(2).encodedBytes(), from: "alice")
/// let output = room.advance().output
/// ```
public struct Room<Logic: RoomLogic>: Sendable {
    /// The room's identifier.
    public let id: RoomID
    /// The rules this room runs.
    public let logic: Logic
    /// The seed the state was created with (0 for a room restored from a snapshot).
    public let seed: UInt64
    /// The creation parameters (empty for a room restored from a snapshot).
    public let config: RoomConfig

    /// `nil` only while a logic call owns the state.
    @usableFromInline var storedState: Logic.State?
    /// The last completed tick (0 before the first).
    @inlinable public var tick: UInt64 { completedTick }
    /// The sequence number of the last operation produced.
    @inlinable public var operationSequence: UInt64 { lastOperationSequence }
    /// The members, in join order.
    @inlinable public var members: [MemberID] { memberList }
    /// Whether ``terminate()`` ran; a terminated room refuses everything.
    @inlinable public var isTerminated: Bool { terminated }
    /// For a logic with member views (``RoomLogic/hasMemberViews``): each
    /// member's own final operations from ``terminate()`` (empty before it,
    /// and for every other logic).
    @inlinable public var finalMemberOperations: [RecipientOperations] { terminationMemberOperations }

    @usableFromInline var completedTick: UInt64
    @usableFromInline var lastOperationSequence: UInt64
    @usableFromInline var memberList: [MemberID]
    @usableFromInline var terminated = false
    @usableFromInline var queue: InputQueue<Logic.Input>
    @usableFromInline var history: PositionHistory
    @usableFromInline var pendingOperations: [SequencedOperation] = []
    /// Each member's own operations, for a logic with member views.
    @usableFromInline var pendingMemberOperations: [RecipientOperations] = []
    @usableFromInline var pendingSnapshots: [MemberID] = []
    /// What ``terminate()`` left for each member, for a logic with member views.
    @usableFromInline var terminationMemberOperations: [RecipientOperations] = []
    /// The current state's canonical bytes and hash, once a joiner's
    /// snapshot needed them: the recorder's hash and the periodic snapshot
    /// of the same tick reuse them. Dropped whenever the state is taken for
    /// a change (``takeState()``).
    @usableFromInline var encodedState: (bytes: [UInt8], hash: UInt64)?
    /// Joiners' snapshots of a state of at least this many bytes (the
    /// state's ``RoomState/encodedSizeHint``, or the size of the last
    /// encoding this room made, whichever is larger) are not encoded by
    /// the tick: the tick's output carries a ``DeferredSnapshot`` (a copy of
    /// the state) for the sink to encode elsewhere. `nil` (the default):
    /// every snapshot is encoded in the tick, in ``RoomTickOutput/snapshots``.
    /// Never used for a logic with member views (each joiner's view is
    /// encoded in the tick) nor by replays.
    public var snapshotOffloadBytes: Int?
    /// The state bytes of the last encoding this room made (0 before one).
    @usableFromInline var lastEncodedStateBytes = 0

    /// Creates a fresh room with `logic.create(config:seed:)`.
    @inlinable
    public init(id: RoomID, logic: Logic, config: RoomConfig = RoomConfig(), seed: UInt64) {
        self.id = id
        self.logic = logic
        self.seed = seed
        self.config = config
        self.storedState = logic.create(config: config, seed: seed)
        self.completedTick = 0
        self.lastOperationSequence = 0
        self.memberList = []
        self.queue = InputQueue(rules: logic.rules)
        self.history = PositionHistory(length: logic.rules.positionHistoryLength)
    }

    /// Re-creates a room from a snapshot, refusing other kinds and versions.
    @inlinable
    public init(restoring snapshot: RoomSnapshot, logic: Logic) throws(RoomError) {
        guard snapshot.kind == logic.kind else { throw .kindMismatch(expected: logic.kind, found: snapshot.kind) }
        guard snapshot.logicVersion == logic.logicVersion else {
            throw .unsupportedLogicVersion(kind: snapshot.kind, version: snapshot.logicVersion)
        }
        self.id = snapshot.roomID
        self.logic = logic
        self.seed = 0
        self.config = RoomConfig()
        self.storedState = try Logic.State.decodeState(snapshot.state)
        self.completedTick = snapshot.tick
        self.lastOperationSequence = snapshot.operationSequence
        self.memberList = snapshot.members
        self.queue = InputQueue(rules: logic.rules)
        self.history = PositionHistory(length: logic.rules.positionHistoryLength)
        history.record(tick: snapshot.tick, table: state.positions)
    }

    /// The current authoritative state.
    @inlinable
    public var state: Logic.State {
        guard let storedState else { preconditionFailure("room state read during a logic call") }
        return storedState
    }

    /// FNV-1a-64 of the current state's canonical bytes (reused when this
    /// tick's joiner snapshot already computed it).
    @inlinable
    public var stateHash: UInt64 { encodedState?.hash ?? state.stateHash }

    /// The state's hash as a recording made with `hashing` holds it: what the
    /// runner records each tick (``StateHashing/fingerprint``) and what a
    /// replay compares.
    @inlinable
    public func stateHash(_ hashing: StateHashing) -> UInt64 {
        switch hashing {
        case .canonicalBytes: stateHash
        case .fingerprint: state.fingerprint
        }
    }

    /// Whether `member` is in the room.
    @inlinable
    public func contains(_ member: MemberID) -> Bool { memberList.contains(member) }

    /// The number of reliable inputs waiting for the next tick.
    @inlinable
    public var queuedReliableInputs: Int { queue.reliableCount }

    /// The number of volatile inputs waiting (at most one per member).
    @inlinable
    public var queuedVolatileInputs: Int { queue.volatileCount }

    /// A snapshot of the room as it is now, with the whole state (what the
    /// recorder stores and replays restore).
    @inlinable
    public func snapshot() -> RoomSnapshot {
        if let encodedState { return snapshot(stateBytes: encodedState.bytes, hash: encodedState.hash) }
        return snapshot(stateBytes: state.encodeState())
    }

    /// ``snapshot()``, its state encoded and hashed once and kept until the
    /// state changes (a tick's joiners, the recorder's hash and snapshot).
    @inlinable
    mutating func sharedSnapshot() -> RoomSnapshot {
        if encodedState == nil {
            let bytes = state.encodeState()
            encodedState = (bytes, StateHash.fnv1a64(bytes))
            lastEncodedStateBytes = bytes.count
        }
        return snapshot()
    }

    /// The snapshot `member` receives: the whole state, or, for a logic
    /// with member views, ``RoomLogic/view(of:for:)`` of it for `member`.
    ///
    /// ```swift
    /// let mine = room.snapshot(for: "alice")   // alice's view: the others' hands hidden
    /// ```
    @inlinable
    public func snapshot(for member: MemberID) -> RoomSnapshot {
        guard logic.hasMemberViews else { return snapshot() }
        return snapshot(stateBytes: logic.view(of: state, for: member).encodedBytes())
    }

    @inlinable
    func snapshot(stateBytes: [UInt8]) -> RoomSnapshot {
        RoomSnapshot(
            kind: logic.kind,
            logicVersion: logic.logicVersion,
            roomID: id,
            tick: tick,
            operationSequence: operationSequence,
            members: memberList,
            state: stateBytes
        )
    }

    @inlinable
    func snapshot(stateBytes: [UInt8], hash: UInt64) -> RoomSnapshot {
        RoomSnapshot(
            kind: logic.kind, logicVersion: logic.logicVersion, roomID: id, tick: tick,
            operationSequence: operationSequence, members: memberList, state: stateBytes, stateHash: hash
        )
    }

    // MARK: Membership

    /// Admits `member` if there is room and the logic allows it. The joiner
    /// receives a snapshot with the next tick's output.
    @inlinable
    public mutating func join(_ member: MemberID, metadata: [String: String] = [:]) throws(RoomError) {
        guard !isTerminated else { throw .roomClosed }
        guard !memberList.contains(member) else { throw .alreadyAMember(member) }
        guard memberList.count < logic.rules.capacity else { throw .roomFull(capacity: logic.rules.capacity) }
        if case .refuse(let reason) = logic.joinAttempt(state: state, member: member, metadata: metadata) {
            throw .joinRefused(reason)
        }
        let current = takeState()
        let step = logic.join(state: consume current, member: member)
        storedState = step.state
        memberList.append(member)
        pendingSnapshots.append(member)
        sequence(step.operations)
    }

    /// Removes `member`, discarding inputs it queued for the next tick.
    @inlinable
    public mutating func leave(_ member: MemberID) throws(RoomError) {
        guard !isTerminated else { throw .roomClosed }
        guard let index = memberList.firstIndex(of: member) else { throw .notAMember(member) }
        memberList.remove(at: index)
        pendingSnapshots.removeAll { $0 == member }
        if logic.hasMemberViews { pendingMemberOperations.removeAll { $0.recipient == member } }
        queue.discardInputs(from: member)
        history.forget(member)
        let current = takeState()
        let step = logic.leave(state: consume current, member: member)
        storedState = step.state
        sequence(step.operations)
    }

    // MARK: Inputs and acknowledgements

    /// Validates and queues one encoded input for the next tick, returning
    /// its arrival number (the sender's receipt).
    ///
    /// Refused, with the room untouched, when: the sender is not a member,
    /// the bytes exceed ``RoomRules/maxInputBytes``, they do not decode (or
    /// decode to out-of-range values), or the reliable queue is full.
    @inlinable
    public mutating func enqueue(_ bytes: [UInt8], from member: MemberID) throws(RoomError) -> UInt64 {
        guard !isTerminated else { throw .roomClosed }
        guard memberList.contains(member) else { throw .notAMember(member) }
        let limit = logic.rules.maxInputBytes
        guard bytes.count <= limit else { throw .inputTooLarge(size: bytes.count, limit: limit) }
        let input = try Logic.Input(decoding: bytes)
        return try queue.enqueue(input, bytes: bytes, from: member)
    }

    /// Records that `member` applied the position delta of `tick`; its next
    /// deltas are computed against that tick's table.
    @inlinable
    public mutating func acknowledge(tick acknowledged: UInt64, by member: MemberID) throws(RoomError) {
        guard memberList.contains(member) else { throw .notAMember(member) }
        try history.acknowledge(tick: acknowledged, by: member)
    }

    // MARK: Ticking

    /// Runs one tick over the queued inputs and returns what to send, plus
    /// the applied batch for a recorder.
    @inlinable
    public mutating func advance() -> RoomAdvance {
        precondition(!isTerminated, "a terminated room does not tick")
        let batch = queue.drain()
        return runTick(batch.map { $0.envelope }, recorded: batch.map {
            RecordedInput(member: $0.envelope.member, sequence: $0.envelope.sequence, bytes: $0.bytes)
        })
    }

    /// Runs one tick over exactly `inputs` (a recorded batch), bypassing the
    /// queue. Used by ``RoomReplay``.
    @inlinable
    mutating func advance(replaying inputs: [RecordedInput]) throws(RoomError) -> RoomAdvance {
        var envelopes: [RoomInputEnvelope<Logic.Input>] = []
        envelopes.reserveCapacity(inputs.count)
        for input in inputs {
            let decoded = try Logic.Input(decoding: input.bytes)
            envelopes.append(RoomInputEnvelope(member: input.member, sequence: input.sequence, input: decoded))
        }
        return runTick(envelopes, recorded: inputs)
    }

    /// Stops the room: the logic's final operations are returned and every
    /// later call is refused with ``RoomError/roomClosed``. For a logic with
    /// member views the result is empty: each member's own are in
    /// ``finalMemberOperations``.
    @inlinable
    public mutating func terminate() -> [SequencedOperation] {
        guard !isTerminated else { return [] }
        let current = takeState()
        let step = logic.terminate(state: consume current)
        storedState = step.state
        sequence(step.operations)
        terminated = true
        if logic.hasMemberViews {
            terminationMemberOperations = pendingMemberOperations
            pendingMemberOperations = []
        }
        defer { pendingOperations = [] }
        return pendingOperations
    }

    @inlinable
    mutating func runTick(
        _ inputs: [RoomInputEnvelope<Logic.Input>],
        recorded: [RecordedInput]
    ) -> RoomAdvance {
        completedTick += 1
        let context = TickContext(tick: tick, tickIntervalNanoseconds: logic.rules.tickIntervalNanoseconds)
        let current = takeState()
        let step = logic.tick(state: consume current, inputs: inputs, tick: tick, context: context)
        storedState = step.state
        sequence(step.operations)

        let table = state.positions
        history.record(tick: tick, table: table)
        var snapshots: [RecipientSnapshot] = []
        var deferred: [DeferredSnapshot] = []
        if !pendingSnapshots.isEmpty, let picture = deferredSnapshot() {
            deferred.append(picture)
            for joiner in pendingSnapshots { try? history.acknowledge(tick: tick, by: joiner) }
        } else if !pendingSnapshots.isEmpty {
            let picture = logic.hasMemberViews ? nil : sharedSnapshot()
            for joiner in pendingSnapshots {
                snapshots.append(RecipientSnapshot(recipient: joiner, snapshot: picture ?? snapshot(for: joiner)))
                // The snapshot travels reliably, so its tick is the joiner's baseline.
                try? history.acknowledge(tick: tick, by: joiner)
            }
        }
        var deltas: [RecipientDelta] = []
        for member in memberList where !pendingSnapshots.contains(member) {
            let message = history.message(for: member, currentTick: tick, current: table)
            if message.changeCount > 0 {
                deltas.append(RecipientDelta(
                    recipient: member, bytes: message.bytes, isFull: message.isFull, changeCount: message.changeCount
                ))
            }
        }
        var output = RoomTickOutput(
            roomID: id,
            tick: tick,
            deltas: deltas,
            operations: pendingOperations,
            rejections: step.rejections,
            snapshots: snapshots
        )
        output.deferredSnapshots = deferred
        if logic.hasMemberViews, !pendingMemberOperations.isEmpty {
            // A joiner's snapshot already holds this tick's operations.
            output.memberOperations = pendingMemberOperations.filter { !pendingSnapshots.contains($0.recipient) }
            pendingMemberOperations = []
        }
        pendingOperations = []
        pendingSnapshots = []
        return RoomAdvance(output: output, inputs: recorded)
    }

    /// This tick's joiners' snapshot left for the sink to encode, when
    /// ``snapshotOffloadBytes`` says the state is large enough (and it is not
    /// encoded already); nil otherwise.
    @inlinable
    func deferredSnapshot() -> DeferredSnapshot? {
        guard !logic.hasMemberViews else { return nil }
        return deferredSnapshot(for: pendingSnapshots)
    }

    /// The whole state's snapshot for a recorder to encode on its own
    /// thread (no recipients), when ``snapshotOffloadBytes`` says the state
    /// is large enough and this tick has not encoded it already; nil
    /// otherwise (then ``snapshot()`` is cheap enough, or already made).
    ///
    /// ```swift
    /// if let deferred = room.recorderSnapshot() { recorder.snapshotTaken(encoding: deferred) }
    /// ```
    @inlinable
    public func recorderSnapshot() -> DeferredSnapshot? {
        deferredSnapshot(for: [])
    }

    @inlinable
    func deferredSnapshot(for recipients: [MemberID]) -> DeferredSnapshot? {
        guard let limit = snapshotOffloadBytes, encodedState == nil else { return nil }
        let current = state
        let size = Swift.max(current.encodedSizeHint, lastEncodedStateBytes)
        guard size >= limit else { return nil }
        let kind = logic.kind, version = logic.logicVersion, id = id, tick = tick
        let sequence = operationSequence, members = memberList
        return DeferredSnapshot(
            recipients: recipients, roomID: id, tick: tick, operationSequence: sequence, sizeHint: size
        ) {
            let bytes = current.encodeState()
            return RoomSnapshot(
                kind: kind, logicVersion: version, roomID: id, tick: tick, operationSequence: sequence,
                members: members, state: bytes, stateHash: StateHash.fnv1a64(bytes)
            )
        }
    }

    @inlinable
    mutating func sequence(_ operations: [Logic.Operation]) {
        if logic.hasMemberViews { return sequenceForEachMember(operations) }
        for operation in operations {
            lastOperationSequence += 1
            pendingOperations.append(
                SequencedOperation(sequence: operationSequence, tick: tick, payload: operation.encodedBytes())
            )
        }
    }

    /// Sequences `operations` room-wide and gives each member its view of
    /// each (``RoomLogic/operation(_:for:in:)``), with the state right after
    /// the call that produced them. An operation a member sees unchanged is
    /// encoded once for all of them.
    @inlinable
    mutating func sequenceForEachMember(_ operations: [Logic.Operation]) {
        for operation in operations {
            lastOperationSequence += 1
            var shared: [UInt8]?
            for member in memberList {
                guard let seen = logic.operation(operation, for: member, in: state) else { continue }
                let payload: [UInt8]
                if seen == operation {
                    let bytes = shared ?? operation.encodedBytes()
                    shared = bytes
                    payload = bytes
                } else {
                    payload = seen.encodedBytes()
                }
                let sequenced = SequencedOperation(sequence: operationSequence, tick: tick, payload: payload)
                if let index = pendingMemberOperations.firstIndex(where: { $0.recipient == member }) {
                    pendingMemberOperations[index].operations.append(sequenced)
                } else {
                    pendingMemberOperations.append(RecipientOperations(recipient: member, operations: [sequenced]))
                }
            }
        }
    }

    @inlinable
    mutating func takeState() -> Logic.State {
        encodedState = nil
        guard let current = storedState.take() else { preconditionFailure("room state already taken") }
        return current
    }
}

/// The result of ``Room/advance()``: what to send and what was applied.
public struct RoomAdvance: Equatable, Sendable {
    /// The tick's outputs for the network binding.
    public var output: RoomTickOutput
    /// The exact batch the tick applied, for a ``RoomRecorder``.
    public var inputs: [RecordedInput]

    @inlinable
    init(output: RoomTickOutput, inputs: [RecordedInput]) {
        self.output = output
        self.inputs = inputs
    }
}
