import ArenaRoom
import Foundation
import RoomEngine
import WhiteboardRoom

/// A sink that keeps every output, safe to call from any thread.
final class CollectingSink: RoomOutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storedOutputs: [RoomTickOutput] = []
    private var storedStops: [(RoomID, [SequencedOperation])] = []
    private let onTick: (@Sendable (RoomTickOutput) -> Void)?

    init(onTick: (@Sendable (RoomTickOutput) -> Void)? = nil) {
        self.onTick = onTick
    }

    var outputs: [RoomTickOutput] { lock.withLock { storedOutputs } }
    var stops: [(RoomID, [SequencedOperation])] { lock.withLock { storedStops } }

    func roomDidTick(_ output: RoomTickOutput) {
        lock.withLock { storedOutputs.append(output) }
        onTick?(output)
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {
        lock.withLock { storedStops.append((room, finalOperations)) }
    }
}

/// Values handed over from completions on any thread, read by the test.
final class Collected<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []

    var values: [Value] { lock.withLock { stored } }

    func append(_ value: Value) {
        lock.withLock { stored.append(value) }
    }
}

/// A recorder that keeps the session, the events and the snapshots in memory.
final class MemoryRecorder: RoomRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private var storedSession: RecordedSession?
    private var storedEvents: [RecordedEvent] = []
    private var storedSnapshots: [RoomSnapshot] = []
    private var storedEnd: (tick: UInt64, hash: UInt64)?

    var session: RecordedSession? { lock.withLock { storedSession } }
    var events: [RecordedEvent] { lock.withLock { storedEvents } }
    var snapshots: [RoomSnapshot] { lock.withLock { storedSnapshots } }
    var end: (tick: UInt64, hash: UInt64)? { lock.withLock { storedEnd } }

    func sessionStarted(_ session: RecordedSession) { lock.withLock { storedSession = session } }
    func memberJoined(_ member: MemberID, metadata: [String: String], room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.joined(member, metadata: metadata)) }
    }
    func memberLeft(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.left(member)) }
    }
    func memberAway(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.away(member)) }
    }
    func memberBack(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.back(member)) }
    }
    func tickCompleted(_ tick: RecordedTick) { lock.withLock { storedEvents.append(.tick(tick)) } }
    func snapshotTaken(_ snapshot: RoomSnapshot) { lock.withLock { storedSnapshots.append(snapshot) } }
    func sessionEnded(room: RoomID, finalTick: UInt64, finalStateHash: UInt64) {
        lock.withLock { storedEnd = (finalTick, finalStateHash) }
    }
}

/// Random-but-seeded client behaviour, so long runs are reproducible.
struct ScriptedClients {
    var random: DeterministicRandom

    init(seed: UInt64) { random = DeterministicRandom(seed: seed) }

    mutating func chance(_ percent: UInt64) -> Bool { random.next(below: 100) < percent }

    mutating func coordinate() -> UInt16 { UInt16(random.next(below: 4096)) }

    mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next(below: UInt64(values.count)))] }

    /// A plausible whiteboard input, sometimes one the board will refuse.
    mutating func whiteboardInput() -> WhiteboardInput {
        let strokeID = UInt32(random.next(below: 4))
        let shapeID = UInt32(random.next(below: 40))
        switch random.next(below: 10) {
        case 0, 1, 2:
            return .cursor(x: coordinate(), y: coordinate())
        case 3:
            return .beginStroke(id: strokeID, color: UInt32(random.next(below: 0x100_0000)), width: UInt8(1 + random.next(below: 64)))
        case 4, 5:
            let count = 1 + Int(random.next(below: 16))
            return .appendPoints(id: strokeID, points: (0..<count).map { _ in CanvasPoint(x: coordinate(), y: coordinate()) })
        case 6:
            return .endStroke(id: strokeID)
        case 7:
            let bounds = ShapeBounds(from: CanvasPoint(x: coordinate(), y: coordinate()), to: CanvasPoint(x: coordinate(), y: coordinate()))
            return .addShape(Shape(id: shapeID, kind: pick([.rectangle, .ellipse, .line]), bounds: bounds, color: 0x123456))
        case 8:
            let bounds = ShapeBounds(from: CanvasPoint(x: coordinate(), y: coordinate()), to: CanvasPoint(x: coordinate(), y: coordinate()))
            return chance(50) ? .moveShape(id: shapeID, bounds: bounds) : .deleteShape(id: shapeID)
        default:
            return chance(3) ? .clear : .cursor(x: coordinate(), y: coordinate())
        }
    }

    /// A plausible arena input: mostly a bot heading for the nearest pickup,
    /// sometimes a random direction or an emote.
    mutating func arenaInput(seeing state: ArenaState? = nil, as member: MemberID? = nil) -> ArenaInput {
        if chance(5) { return .emote(code: UInt8(random.next(below: 8))) }
        if let state, let member, let me = state.player(member), chance(70),
           let target = state.pickups.min(by: { distance(me, $0) < distance(me, $1) }) {
            func sign(_ value: Int32) -> Int8 { value > 64 ? 1 : (value < -64 ? -1 : 0) }
            return .move(dx: sign(target.x - me.x), dy: sign(target.y - me.y), buttons: chance(20) ? 1 : 0)
        }
        let directions: [Int8] = [-1, 0, 1]
        return .move(dx: pick(directions), dy: pick(directions), buttons: chance(20) ? 1 : 0)
    }

    private func distance(_ player: ArenaPlayer, _ pickup: ArenaPickup) -> Int64 {
        let dx = Int64(player.x) - Int64(pickup.x)
        let dy = Int64(player.y) - Int64(pickup.y)
        return dx * dx + dy * dy
    }
}

/// Runs `ticks` ticks of a room driven by seeded clients who join, leave
/// and send inputs, calling `afterTick` after each one.
func runScripted<Logic: RoomLogic>(
    _ room: inout Room<Logic>,
    ticks: Int,
    clientSeed: UInt64,
    members: [MemberID],
    makeInput: (inout ScriptedClients, Room<Logic>, MemberID) -> [UInt8],
    afterTick: (inout Room<Logic>, RoomAdvance) -> Void = { _, _ in }
) {
    var clients = ScriptedClients(seed: clientSeed)
    for _ in 0..<ticks {
        for member in members {
            if room.contains(member) {
                if clients.chance(1) { try? room.leave(member); continue }
                let count = clients.random.next(below: 4)
                for _ in 0..<count { _ = try? room.enqueue(makeInput(&clients, room, member), from: member) }
            } else if clients.chance(10) {
                try? room.join(member)
            }
        }
        let advance = room.advance()
        afterTick(&room, advance)
    }
}
