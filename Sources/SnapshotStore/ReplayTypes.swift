import ArenaRoom
public import RoomEngine
import WhiteboardRoom

/// A room being re-simulated chunk by chunk from a stored recording.
///
/// Each chunk goes through ``RoomReplay`` from the previous chunk's
/// snapshot, so hashes are checked by the engine itself.
struct Simulation<Logic: RoomLogic> {
    let store: SessionStore
    let summary: SessionSummary
    let logic: Logic
    private(set) var room: Room<Logic>
    /// The entries of the last chunk (kept to report a divergence precisely).
    private(set) var lastEntries: [TimelineEntry] = []

    /// Starts from `base`, or from the session's seed when `base` is nil.
    init(store: SessionStore, summary: SessionSummary, logic: Logic, base: RoomSnapshot?) throws(SnapshotStoreError) {
        self.store = store
        self.summary = summary
        self.logic = logic
        if let base {
            do {
                room = try Room(restoring: base, logic: logic)
            } catch {
                throw SessionReplayer.map(error, session: summary.id, fallbackTick: base.tick)
            }
        } else {
            guard summary.startTick == 0 else {
                throw .corruptRecord(session: summary.id, detail: "starts at tick \(summary.startTick) without a snapshot")
            }
            let session = summary.recordedSession
            room = Room(id: session.roomID, logic: logic, config: session.config, seed: session.seed)
        }
    }

    var tick: UInt64 { room.tick }

    /// Replays the recording up to `target`, returning what was applied.
    mutating func advance(through target: UInt64, includeTrailing: Bool = false) throws(SnapshotStoreError) -> [TimelineEntry] {
        let entries = try store.timeline(of: summary.id, after: room.tick, through: target, includeTrailing: includeTrailing)
        lastEntries = entries
        do {
            room = try RoomReplay.replay(entries.map(\.recordedEvent), from: room.snapshot(), logic: logic)
        } catch {
            throw SessionReplayer.map(error, session: summary.id, fallbackTick: room.tick + 1)
        }
        guard room.tick == target else {
            throw .corruptRecord(session: summary.id, detail: "tick \(room.tick + 1) is missing from the store")
        }
        return entries
    }
}

extension SessionSummary {
    /// The last tick a replay can trust: the last stored tick, or the tick
    /// before the gap.
    public var verifiableEnd: UInt64 {
        guard let gap = gapFromTick else { return lastTick }
        return min(lastTick, max(gap, 1) - 1)
    }
}

/// What ``SessionReplayer/verify(_:progress:)`` proved.
public struct VerificationReport: Equatable, Sendable {
    /// The session, as it was when verification started.
    public var session: SessionSummary
    /// The first tick re-simulated.
    public var firstTick: UInt64
    /// The last tick re-simulated (before a gap, or the last committed one).
    public var lastTick: UInt64
    /// Ticks whose hashes matched.
    public var verifiedTicks: UInt64
    /// Stored snapshots whose hashes matched.
    public var snapshotsChecked: Int
    /// Whether the room's reported final hash was compared too.
    public var finalHashChecked: Bool
    /// The hash after the last tick.
    public var finalStateHash: UInt64

    /// True when the recording is whole: ended, no gap.
    public var isComplete: Bool { session.status == .ended && session.gapFromTick == nil }
}

/// What ``SessionReplayer/replay(_:from:through:visitChunkTicks:visit:)`` did.
public struct ReplayReport: Equatable, Sendable {
    /// The session.
    public var session: SessionSummary
    /// The tick of the snapshot the replay started from (the session's start tick without one).
    public var baseTick: UInt64
    /// The first tick visited.
    public var firstTick: UInt64
    /// The last tick visited.
    public var lastTick: UInt64
    /// How many ticks were visited.
    public var visitedTicks: UInt64
    /// The state hash after the last visited tick.
    public var finalStateHash: UInt64
}

/// One visited entry of a replay, with its inputs decoded for people.
public struct ReplayStep: Sendable {
    /// The join, leave or tick.
    public var entry: TimelineEntry
    /// For a tick: each input decoded by the session's logic, in batch order
    /// (long values are cut at 120 characters).
    public var inputDescriptions: [String]

    init<Logic: RoomLogic>(_ entry: TimelineEntry, logic: Logic) {
        self.entry = entry
        if case .tick(let stored) = entry {
            inputDescriptions = stored.tick.inputs.map { InputText.describe($0.bytes, logic: logic) }
        } else {
            inputDescriptions = []
        }
    }
}

/// Human-readable inputs.
package enum InputText {
    /// The decoded input, or its hex bytes when it does not decode.
    package static func describe<Logic: RoomLogic>(_ bytes: [UInt8], logic: Logic) -> String {
        let text: String
        do {
            text = String(describing: try Logic.Input(decoding: bytes))
        } catch {
            text = "undecodable " + bytes.prefix(16).map { String($0, radix: 16) }.joined(separator: " ")
        }
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}


/// The room logics this build can re-simulate, by kind and version.
///
/// A recording names its kind and logic version; a replay needs exactly that
/// logic, because another version may legitimately compute other states
/// from the same inputs. The catalog is where a new kind (or a kept old
/// version) is registered for the tools.
///
/// ```swift
/// let catalog = LogicCatalog.standard            // whiteboard v1, arena v1
/// let logic = try catalog.logic(kind: "arena", version: 1)
/// ```
public struct LogicCatalog: Sendable {
    /// The registered logics.
    public let logics: [any RoomLogic]

    /// A catalog of these logics.
    public init(_ logics: [any RoomLogic]) {
        self.logics = logics
    }

    /// Every logic Huddle ships: ``WhiteboardLogic`` and ``ArenaLogic``.
    public static let standard = LogicCatalog([WhiteboardLogic(), ArenaLogic()])

    /// The logic for `kind` at `version`, or
    /// ``SnapshotStoreError/unsupportedLogic(kind:version:available:)``.
    public func logic(kind: RoomKind, version: UInt32) throws(SnapshotStoreError) -> any RoomLogic {
        if let logic = logics.first(where: { $0.kind == kind && $0.logicVersion == version }) { return logic }
        throw .unsupportedLogic(kind: kind, version: version, available: versions(of: kind))
    }

    /// The versions registered for `kind`, ascending.
    public func versions(of kind: RoomKind) -> [UInt32] {
        logics.filter { $0.kind == kind }.map(\.logicVersion).sorted()
    }

    /// The tick rate of `kind` (from its newest registered logic), if known.
    public func ticksPerSecond(of kind: RoomKind) -> Int? {
        logics.filter { $0.kind == kind }.max { $0.logicVersion < $1.logicVersion }?.rules.ticksPerSecond
    }
}
