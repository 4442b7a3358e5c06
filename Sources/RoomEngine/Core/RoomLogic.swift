/// The rules of one room kind, written as pure functions from state to state.
///
/// This is the engine's seam between "what a room does" and "how it runs":
/// a logic value never sees sockets, clocks or threads. The ``Room`` calls it
/// with the current state and gets the next state back, in the shape of a
/// match handler (init, join attempt, join, leave, loop, terminate). Because
/// every function is deterministic (no wall clock, no system randomness, no
/// dictionary iteration order, no floating point), the same seed and the same
/// ordered inputs always produce byte-identical states, which is what makes
/// snapshots, recordings and replays trustworthy.
///
/// States are passed `consuming` so that a logic can mutate the one copy it
/// was given without copy-on-write duplicating large documents every tick.
///
/// ```swift
/// struct CounterLogic: RoomLogic {
///     var kind: RoomKind { "counter" }
///     var logicVersion: UInt32 { 1 }
///     var rules: RoomRules { RoomRules(capacity: 4, ticksPerSecond: 10) }
///     func create(config: RoomConfig, seed: UInt64) -> CounterState { CounterState() }
///     // joinAttempt, join, leave, tick, terminate …
/// }
/// let room = Room(id: "r1", logic: CounterLogic(), seed: 7)
/// ```
public protocol RoomLogic: Sendable {
    /// The room's whole authoritative state.
    associatedtype State: RoomState
    /// One decoded client input.
    associatedtype Input: RoomInput
    /// One reliable document operation broadcast to every member, in order.
    associatedtype Operation: BinaryCodable & Equatable & Sendable
    /// What one member is shown of the state (its snapshot's state bytes):
    /// the state itself unless the logic hides some of it, see
    /// ``view(of:for:)``.
    associatedtype View: BinaryEncodable = State

    /// The kind this logic serves.
    var kind: RoomKind { get }
    /// The version of these rules. Bump it whenever the same inputs could
    /// produce a different state; replays refuse versions they lack.
    var logicVersion: UInt32 { get }
    /// Capacity, tick rate and input limits for rooms of this kind.
    var rules: RoomRules { get }

    /// Creates the initial state of a new room. All randomness must come from
    /// a ``DeterministicRandom`` seeded with `seed` and kept in the state.
    func create(config: RoomConfig, seed: UInt64) -> State

    /// Decides whether `member` may join, before anything changes.
    func joinAttempt(state: borrowing State, member: MemberID, metadata: [String: String]) -> JoinDecision

    /// Adds an accepted member and returns the operations announcing it.
    func join(state: consuming State, member: MemberID) -> RoomStep<State, Operation>

    /// Removes a member (cleaning up what it left unfinished).
    func leave(state: consuming State, member: MemberID) -> RoomStep<State, Operation>

    /// Advances the room by one tick, applying `inputs` in order. Inputs that
    /// the current state refuses are reported in ``RoomStep/rejections`` and
    /// must leave the state untouched.
    func tick(
        state: consuming State,
        inputs: [RoomInputEnvelope<Input>],
        tick: UInt64,
        context: TickContext
    ) -> RoomStep<State, Operation>

    /// Called once when the room stops, for final clean-up operations.
    func terminate(state: consuming State) -> RoomStep<State, Operation>

    // MARK: Member views (hidden state)

    /// Whether members see different things: when true, each joiner's
    /// snapshot carries ``view(of:for:)`` instead of the state, and each
    /// operation reaches each member as ``operation(_:for:in:)`` makes it.
    /// `false` by default (everyone gets the state and every operation, and
    /// the room does no per-member work); a logic with hidden state (cards
    /// in hand, a fleet at sea) returns `true`. Recordings, hashes and
    /// replays always use the whole state.
    var hasMemberViews: Bool { get }

    /// What `member` may see of `state`: the state bytes of the snapshot it
    /// receives when it joins (called only when ``hasMemberViews``). Leave
    /// out what it must not know, the room's random source included (its
    /// words predict every later draw).
    ///
    /// ```swift
    /// func view(of state: borrowing DuelState, for member: MemberID) -> DuelView {
    ///     DuelView(duelists: state.duelists.map { duelist in
    ///         var shown = duelist
    ///         if duelist.member != member { shown.hand = nil }   // the other's hand stays hidden
    ///         return shown
    ///     }, chosen: state.duelists.filter { $0.hand != nil }.map(\.member), winner: state.winner)
    /// }
    /// ```
    func view(of state: borrowing State, for member: MemberID) -> View

    /// `operation` as `member` receives it, or `nil` when it is not for
    /// that member (called only when ``hasMemberViews``, with the state
    /// right after the call that produced the operation). Sequence numbers
    /// stay room-wide, so a member may see gaps where an operation was not
    /// for it.
    ///
    /// ```swift
    /// func operation(_ operation: DuelOperation, for member: MemberID, in state: borrowing DuelState) -> DuelOperation? {
    ///     guard case .chose(let chooser, _) = operation, chooser != member else { return operation }
    ///     return .chose(chooser, nil)   // the other learns that it chose, not what
    /// }
    /// ```
    func operation(_ operation: Operation, for member: MemberID, in state: borrowing State) -> Operation?
}

extension RoomLogic {
    /// Members see the same thing.
    @inlinable
    public var hasMemberViews: Bool { false }

    /// Every member receives every operation as it is.
    @inlinable
    public func operation(_ operation: Operation, for member: MemberID, in state: borrowing State) -> Operation? {
        operation
    }
}

extension RoomLogic where View == State {
    /// The whole state.
    @inlinable
    public func view(of state: borrowing State, for member: MemberID) -> State {
        copy state
    }
}

/// A room's authoritative state: canonically encodable and hashable.
public protocol RoomState: BinaryCodable, Equatable, Sendable {
    /// The volatile table streamed to members as compact deltas (cursors in a
    /// whiteboard, player positions in an arena).
    var positions: PositionTable { get }
    /// About how many bytes ``encodeState()`` writes, reserved up front so
    /// that a large state is not copied again and again as its buffer grows
    /// (default 0: nothing reserved). A guess: the bytes never depend on it.
    var encodedSizeHint: Int { get }
    /// The hash a recording keeps for every tick (``StateHashing/fingerprint``):
    /// equal states give equal fingerprints on every platform, and any change
    /// of the state changes it (but for FNV collisions). The default is
    /// ``stateHash``, FNV-1a-64 over the canonical bytes: right for small
    /// states. A kind whose state grows large keeps digests of the parts that
    /// rarely change as they change (derived, never encoded) and hashes those
    /// instead, so that a tick's cost follows what changed, not the state's
    /// size: the whiteboard's committed strokes are one 8-byte digest here.
    ///
    /// ```swift
    /// var fingerprint: UInt64 {
    ///     var writer = BinaryWriter(hashingFrom: StateHash.offsetBasis)
    ///     writer.writeVarint(UInt64(players.count))
    ///     writer.writeUInt64(historyDigest)   // kept up to date as history grows
    ///     return writer.finishedHash()
    /// }
    /// ```
    var fingerprint: UInt64 { get }
}

extension RoomState {
    /// No positions: a kind without anything moving (a board or card game)
    /// streams no deltas.
    @inlinable
    public var positions: PositionTable { PositionTable() }

    /// Nothing reserved: small states grow their buffer as they are written.
    @inlinable
    public var encodedSizeHint: Int { 0 }

    /// The state's canonical bytes (see ``BinaryCodable``), written into a
    /// buffer of ``encodedSizeHint`` bytes (at least 64).
    @inlinable
    public func encodeState() -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: Swift.max(64, encodedSizeHint))
        encode(into: &writer)
        return writer.bytes
    }

    /// Decodes a state written by ``encodeState()``.
    @inlinable
    public static func decodeState(_ bytes: [UInt8]) throws(RoomError) -> Self {
        try Self(decoding: bytes)
    }

    /// FNV-1a-64 over ``encodeState()`` (see ``StateHash``), computed as
    /// the state is written, without keeping the bytes: bulk runs (a
    /// whiteboard's points) are hashed where they lie.
    @inlinable
    public var stateHash: UInt64 {
        var writer = BinaryWriter(hashingFrom: StateHash.offsetBasis)
        encode(into: &writer)
        return writer.finishedHash()
    }

    /// ``stateHash``: a small state hashes all of itself each tick.
    @inlinable
    public var fingerprint: UInt64 { stateHash }

    /// The hash a recording made with `hashing` holds for this state.
    @inlinable
    public func hash(_ hashing: StateHashing) -> UInt64 {
        switch hashing {
        case .canonicalBytes: stateHash
        case .fingerprint: fingerprint
        }
    }
}

/// A decoded client input together with what kind of delivery it needs.
public protocol RoomInput: BinaryCodable, Equatable, Sendable {
    /// Whether the input is volatile (coalesced) or reliable (kept in order).
    var inputClass: InputClass { get }
}

/// The two delivery classes of inputs, which decide the overflow policy.
public enum InputClass: Equatable, Sendable {
    /// Cursor- or position-like: only the latest one per member per tick
    /// matters, so a newer one replaces an older one and the room's queue
    /// never refuses one (a runner's inbox, before that queue, counts it like
    /// any input: see `docs/room-engine.md` §1).
    case volatile
    /// An operation (stroke, shape, game event): every one is kept in arrival
    /// order; beyond the queue bound new ones are refused with an error.
    case reliable
}

/// The verdict of ``RoomLogic/joinAttempt(state:member:metadata:)``.
public enum JoinDecision: Equatable, Sendable {
    /// The member may join.
    case allow
    /// The member may not join; the reason is returned to the caller.
    case refuse(reason: String)
}

/// One input as the logic receives it: who sent it and its arrival number.
public struct RoomInputEnvelope<Input: Sendable>: Sendable {
    /// The sender.
    public var member: MemberID
    /// The room-wide arrival number, returned to the sender as a receipt and
    /// used to name the input in a rejection.
    public var sequence: UInt64
    /// The decoded input.
    public var input: Input

    /// Creates an envelope.
    public init(member: MemberID, sequence: UInt64, input: Input) {
        self.member = member
        self.sequence = sequence
        self.input = input
    }
}

extension RoomInputEnvelope: Equatable where Input: Equatable {}

/// An input that was accepted into the queue but refused by the logic when
/// the tick applied it (for example, points for a stroke never begun).
public struct InputRejection: Equatable, Sendable {
    /// The author, who is told about the refusal.
    public var member: MemberID
    /// The receipt number the author got from the enqueue.
    public var sequence: UInt64
    /// Why the input was refused.
    public var error: RoomError

    /// Creates a rejection.
    public init(member: MemberID, sequence: UInt64, error: RoomError) {
        self.member = member
        self.sequence = sequence
        self.error = error
    }
}

/// What one logic call returns: the next state and what to tell members.
public struct RoomStep<State, Operation> {
    /// The state after the call.
    public var state: State
    /// Reliable operations to broadcast, in order.
    public var operations: [Operation]
    /// Inputs refused while applying them.
    public var rejections: [InputRejection]

    /// Creates a step.
    public init(state: State, operations: [Operation] = [], rejections: [InputRejection] = []) {
        self.state = state
        self.operations = operations
        self.rejections = rejections
    }
}

extension RoomStep: Sendable where State: Sendable, Operation: Sendable {}

/// The deterministic context of one tick. There is no wall clock here on
/// purpose: logical time is `tick × tickInterval`, identical in replays.
public struct TickContext: Equatable, Sendable {
    /// The number of the tick being computed (the first tick is 1).
    public var tick: UInt64
    /// The fixed duration of one tick in nanoseconds.
    public var tickIntervalNanoseconds: Int64

    /// Creates a context.
    public init(tick: UInt64, tickIntervalNanoseconds: Int64) {
        self.tick = tick
        self.tickIntervalNanoseconds = tickIntervalNanoseconds
    }

    /// Logical time since the room started, in nanoseconds.
    public var logicalTimeNanoseconds: Int64 { Int64(truncatingIfNeeded: tick) &* tickIntervalNanoseconds }
}
