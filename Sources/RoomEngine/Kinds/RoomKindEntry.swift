public import Logging

/// One room kind as every layer needs it, registered once in a
/// ``RoomKindCatalog``: its logic, the configuration new rooms of it get,
/// how a room of it starts ticking, and (optionally) synthetic members for
/// benchmarks and tests.
///
/// The entry is type-erased: its ``logic`` is `any RoomLogic`, the one
/// existential the layers above open, so a server binds, and a replayer
/// re-simulates, a kind it has never heard of by name. A kind's own module
/// builds its entry where the logic's concrete type is known; the tick loop
/// that ``startRoom(id:seed:loop:sink:recorder:snapshotInterval:snapshotOffloadBytes:ownership:logger:)``
/// runs is then compiled for that type (the hot path pays no generic
/// dispatch).
///
/// ```swift
/// extension RoomKindEntry {
///     /// Counters that members increment.
///     public static let counter = RoomKindEntry(CounterLogic(), config: RoomConfig(parameters: ["step": "2"]))
/// }
/// let kinds: RoomKindCatalog = [.counter]
/// ```
public struct RoomKindEntry: Sendable {
    /// The rules of the kind (at ``logicVersion``).
    public let logic: any RoomLogic
    /// The configuration a served room of this kind is created with.
    public let config: RoomConfig
    /// Makes synthetic members for a room of this kind, when the kind offers them.
    public let syntheticMembers: (@Sendable (_ members: [MemberID], _ seed: UInt64) -> any SyntheticMembers)?
    /// Draws a snapshot of this kind (its state decoded with the kind's
    /// types), when the kind has a ``RoomRenderer``; nil otherwise.
    public var renderer: (@Sendable (RoomSnapshot) throws(RoomError) -> SVGDocument)? { drawing }
    @usableFromInline var drawing: (@Sendable (RoomSnapshot) throws(RoomError) -> SVGDocument)?
    @usableFromInline let starter: @Sendable (RoomStart) -> any RunningRoom
    @usableFromInline let resumer: @Sendable (RoomResumePoint, RoomStart) throws(RoomError) -> any RunningRoom

    /// Registers `logic`: rooms of its kind are created with `config`, and
    /// `syntheticMembers`, when given, drive recorded sessions of it in
    /// `huddle sessions synthesize`.
    @inlinable
    public init<Logic: RoomLogic>(
        _ logic: Logic,
        config: RoomConfig = RoomConfig(),
        syntheticMembers: (@Sendable (_ members: [MemberID], _ seed: UInt64) -> any SyntheticMembers)? = nil
    ) {
        self.logic = logic
        self.config = config
        self.syntheticMembers = syntheticMembers
        // Built here, where `Logic` is the caller's concrete type: the
        // runner and everything it calls per tick are specialized for it.
        self.starter = { start in
            Self.run(Room(id: start.id, logic: logic, config: config, seed: start.seed), start, resumedFrom: nil)
        }
        self.resumer = { point, start throws(RoomError) in
            let room = if let snapshot = point.snapshot {
                try RoomReplay.replay(point.tail, from: snapshot, logic: logic, hashing: point.session.stateHashing)
            } else {
                try RoomReplay.replay(point.tail, session: point.session, logic: logic)
            }
            return Self.run(room, start, resumedFrom: SessionLink(session: point.previousSession, tick: room.tick))
        }
    }

    /// Registers `logic` as ``init(_:config:syntheticMembers:)`` does, with
    /// `renderer` to draw its states (`huddle render`).
    ///
    /// ```swift
    /// let entry = RoomKindEntry(WhiteboardLogic(), renderer: WhiteboardRenderer())
    /// let picture = try entry.render(snapshot)   // an SVGDocument
    /// ```
    @inlinable
    public init<Logic: RoomLogic, Renderer: RoomRenderer>(
        _ logic: Logic,
        config: RoomConfig = RoomConfig(),
        syntheticMembers: (@Sendable (_ members: [MemberID], _ seed: UInt64) -> any SyntheticMembers)? = nil,
        renderer: Renderer
    ) where Renderer.Logic == Logic {
        self.init(logic, config: config, syntheticMembers: syntheticMembers)
        self.drawing = { snapshot throws(RoomError) in
            let state = try Logic.State.decodeState(snapshot.state)
            return renderer.render(state, context: RenderContext(roomID: snapshot.roomID, kind: snapshot.kind, tick: snapshot.tick))
        }
    }

    /// Whether ``render(_:)`` can draw this kind.
    public var canRender: Bool { renderer != nil }

    /// The picture of `snapshot`'s state, or nil when the kind has no renderer.
    /// Throws when the state does not decode with the kind's types.
    public func render(_ snapshot: RoomSnapshot) throws(RoomError) -> SVGDocument? {
        guard let renderer else { return nil }
        return try renderer(snapshot)
    }

    /// Starts a runner on `room` as `start` says (new or resumed). Inlinable,
    /// so the runner is specialized for the kind's logic where the entry is built.
    @inlinable
    static func run<Logic: RoomLogic>(_ room: Room<Logic>, _ start: RoomStart, resumedFrom: SessionLink?) -> any RunningRoom {
        var room = room
        room.snapshotOffloadBytes = start.snapshotOffloadBytes
        let runner = RoomRunner(
            room: room,
            loop: start.loop, sink: start.sink, recorder: start.recorder,
            snapshotInterval: start.snapshotInterval, ownership: start.ownership,
            resumedFrom: resumedFrom, logger: start.logger
        )
        runner.start()
        return runner
    }

    /// The kind's name.
    public var kind: RoomKind { logic.kind }
    /// The version of the kind's rules.
    public var logicVersion: UInt32 { logic.logicVersion }
    /// Capacity, tick rate and input limits.
    public var rules: RoomRules { logic.rules }

    /// Creates a room of this kind with ``config`` and starts ticking it on
    /// `loop`: outputs go to `sink`, history to `recorder` (a snapshot every
    /// `snapshotInterval` ticks). With `snapshotOffloadBytes`, joiners'
    /// snapshots of a state that large reach `sink` unencoded
    /// (``RoomTickOutput/deferredSnapshots``, ``Room/snapshotOffloadBytes``).
    /// With `ownership`, the room ticks only while it holds
    /// (``RoomOwnership``; a cluster's lease).
    ///
    /// ```swift
    /// let room = entry.startRoom(id: "counter-1", seed: 7, loop: EventLoopRoomLoop(loop), sink: sink)
    /// try await room.join("alice", metadata: [:])
    /// ```
    public func startRoom(
        id: RoomID,
        seed: UInt64,
        loop: any RoomLoop,
        sink: any RoomOutputSink,
        recorder: (any RoomRecorder)? = nil,
        snapshotInterval: UInt64 = 600,
        snapshotOffloadBytes: Int? = nil,
        ownership: (any RoomOwnership)? = nil,
        logger: Logger = Logger(label: "huddle.room-runner")
    ) -> any RunningRoom {
        starter(RoomStart(
            id: id, seed: seed, loop: loop, sink: sink, recorder: recorder,
            snapshotInterval: snapshotInterval, snapshotOffloadBytes: snapshotOffloadBytes,
            ownership: ownership, logger: logger
        ))
    }

    /// Rebuilds a room of this kind from its durable history and starts
    /// ticking it, as ``startRoom(id:seed:loop:sink:recorder:snapshotInterval:snapshotOffloadBytes:ownership:logger:)``
    /// does a new one: the failover of a cluster, where another node's room
    /// goes on here. The tail is re-simulated from the snapshot (or the
    /// seed), every recorded state hash checked; the room's members are
    /// those of that tick (none of them connected yet: the caller holds
    /// their seats). The recorder gets a new session starting at that tick,
    /// linked to the old one (``RecordedSession/resumedFrom``).
    ///
    /// Throws when the recording is of another kind or logic version, or
    /// does not reproduce its recorded hashes.
    ///
    /// ```swift
    /// let room = try entry.resumeRoom(from: point, loop: EventLoopRoomLoop(loop), sink: sink, recorder: recorder)
    /// ```
    public func resumeRoom(
        from point: RoomResumePoint,
        loop: any RoomLoop,
        sink: any RoomOutputSink,
        recorder: (any RoomRecorder)? = nil,
        snapshotInterval: UInt64 = 600,
        snapshotOffloadBytes: Int? = nil,
        ownership: (any RoomOwnership)? = nil,
        logger: Logger = Logger(label: "huddle.room-runner")
    ) throws(RoomError) -> any RunningRoom {
        try resumer(point, RoomStart(
            id: point.session.roomID, seed: point.session.seed, loop: loop, sink: sink, recorder: recorder,
            snapshotInterval: snapshotInterval, snapshotOffloadBytes: snapshotOffloadBytes,
            ownership: ownership, logger: logger
        ))
    }

    /// One recorded input as people read it: the decoded value, or its
    /// first bytes in hex when it does not decode; cut at 120 characters.
    ///
    /// ```swift
    /// entry.describeInput([0x01, 0x02])   // "add(2)"
    /// ```
    public func describeInput(_ bytes: [UInt8]) -> String {
        Self.describeInput(bytes, of: logic)
    }

    /// A state's canonical bytes as people read them (the decoded state, or
    /// why it does not decode).
    public func describeState(_ bytes: [UInt8]) -> String {
        Self.describeState(bytes, of: logic)
    }

    private static func describeInput<Logic: RoomLogic>(_ bytes: [UInt8], of logic: Logic) -> String {
        let text: String
        do {
            text = String(describing: try Logic.Input(decoding: bytes))
        } catch {
            text = "undecodable " + bytes.prefix(16).map { String($0, radix: 16) }.joined(separator: " ")
        }
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }

    private static func describeState<Logic: RoomLogic>(_ bytes: [UInt8], of logic: Logic) -> String {
        do {
            return String(describing: try Logic.State.decodeState(bytes))
        } catch {
            return "undecodable state (\(error))"
        }
    }
}

/// What ``RoomKindEntry/startRoom(id:seed:loop:sink:recorder:snapshotInterval:snapshotOffloadBytes:ownership:logger:)``
/// hands the kind's starter.
@usableFromInline
struct RoomStart: Sendable {
    @usableFromInline let id: RoomID
    @usableFromInline let seed: UInt64
    @usableFromInline let loop: any RoomLoop
    @usableFromInline let sink: any RoomOutputSink
    @usableFromInline let recorder: (any RoomRecorder)?
    @usableFromInline let snapshotInterval: UInt64
    @usableFromInline let snapshotOffloadBytes: Int?
    @usableFromInline let ownership: (any RoomOwnership)?
    @usableFromInline let logger: Logger
}
