// The measuring program of Tools/bench-bigboard: builds a whiteboard of
// about 16 MB through the room's own inputs (members drawing strokes of
// POINTS points, 256 per append, with cursors every tick), recording the
// session with the SQLite recorder as `huddle serve` does, then prints:
//   - memory per stored point (heap in use and RSS, deltas over the build,
//     divided by the points) against the wire's 4 bytes per point;
//   - the cost per tick of a full board: the tick itself and the state hash
//     the recorder takes every tick (the fingerprint), beside the canonical
//     bytes' hash (what the recorder took before fingerprints);
//   - a late join: the tick that encodes the joiner's snapshot, the
//     fan-out's `ByteBuffer` of it (`RoomSnapshot.encodedBuffer()`), then
//     the recorder's state hash: together, what the room's loop spends on a
//     recorded join tick before compression and socket writes (before this
//     measure's first run the fan-out copied twice: `encodedBytes()`, then
//     `ByteBuffer(bytes:)`);
// and leaves the recording at --db for `huddle verify` (the script times it).
//
//   bench-bigboard --db PATH [--strokes 2000] [--points 2000] [--members 4] [--ticks 600] [--joins 5]
import CMalloc
import Glibc
import NIOCore
import RoomEngine
import SQLiteSnapshotStore
import SnapshotStore
import WhiteboardRoom

/// The command line: `--name value` pairs.
struct Options {
    var db = "bigboard.sqlite"
    var strokes = 2_000
    var points = 2_000
    var members = 4
    var ticks = 600
    var joins = 5

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--db": db = value
            case "--strokes": strokes = Int(value) ?? strokes
            case "--points": points = Int(value) ?? points
            case "--members": members = Int(value) ?? members
            case "--ticks": ticks = Int(value) ?? ticks
            case "--joins": joins = Int(value) ?? joins
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 2
        }
    }
}

/// Memory as the process sees it: glibc's heap in use and the resident set.
struct Memory {
    var heap: Int
    var resident: Int

    /// Both, after handing freed heap back to the system.
    static func now() -> Memory {
        malloc_trim(0)
        let info = mallinfo2()
        return Memory(heap: Int(info.uordblks + info.hblkhd), resident: residentBytes())
    }

    private static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        return (Int(fields[1]) ?? 0) * sysconf(Int32(_SC_PAGESIZE))
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    var text = String(Int((value * pow(10, Double(digits))).rounded()))
    if digits > 0 {
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
    }
    return text
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// One member's reliable inputs, made as they are sent (so that memory
/// measured over the build holds the board, not the inputs): strokes
/// `first, first + step, …` below `strokes`, each begun, filled 256 points
/// at a time along a random walk, and committed.
struct Drawer {
    let points: Int
    let strokes: Int
    let step: Int
    var stroke: Int
    var left = 0
    var begun = false
    var x = 0, y = 0
    var random: DeterministicRandom

    init(first: Int, step: Int, strokes: Int, points: Int) {
        self.stroke = first
        self.step = step
        self.strokes = strokes
        self.points = points
        self.random = DeterministicRandom(seed: UInt64(7 + first))
    }

    var isDone: Bool { stroke >= strokes }

    mutating func next() -> [UInt8]? {
        guard !isDone else { return nil }
        let id = UInt32(stroke + 1)
        if !begun {
            begun = true
            left = points
            x = Int(random.next(below: 4_096))
            y = Int(random.next(below: 4_096))
            return WhiteboardInput.beginStroke(id: id, color: UInt32(random.next(below: 0x1000000)), width: 3).encodedBytes()
        }
        guard left > 0 else {
            begun = false
            stroke += step
            return WhiteboardInput.endStroke(id: id).encodedBytes()
        }
        let count = min(left, WhiteboardLimits.maxPointsPerAppend)
        left -= count
        var run: [CanvasPoint] = []
        run.reserveCapacity(count)
        for _ in 0..<count {
            x = min(max(x + Int(random.next(below: 9)) - 4, 0), 4_095)
            y = min(max(y + Int(random.next(below: 9)) - 4, 0), 4_095)
            run.append(CanvasPoint(x: UInt16(x), y: UInt16(y)))
        }
        return WhiteboardInput.appendPoints(id: id, points: run).encodedBytes()
    }
}

let options = Options(CommandLine.arguments)
let clock = ContinuousClock()
var recorderOptions = RecorderOptions()
recorderOptions.retention = .keepEverything
let recorder = try SQLiteSessionStorage().openRecorder(at: options.db, options: recorderOptions)
let snapshotInterval: UInt64 = 600   // RoomRunner's default, as `huddle serve` runs rooms

var drawers = (0..<options.members).map {
    Drawer(first: $0, step: options.members, strokes: options.strokes, points: options.points)
}
let members = (0..<options.members).map { MemberID("member-\($0)") }
let totalInputs = options.strokes * (2 + (options.points + WhiteboardLimits.maxPointsPerAppend - 1) / WhiteboardLimits.maxPointsPerAppend)
let perTick = min((totalInputs + options.members * options.ticks - 1) / (options.members * options.ticks),
                  WhiteboardLimits.rules.memberReliableQueueLimit)

let before = Memory.now()
var room = Room(id: "bigboard", logic: WhiteboardLogic(), seed: 1)
recorder.sessionStarted(RecordedSession(roomID: room.id, kind: room.logic.kind, logicVersion: room.logic.logicVersion,
                                        seed: room.seed, config: room.config, stateHashing: .fingerprint))
for member in members {
    try room.join(member)
    recorder.memberJoined(member, metadata: [:], room: room.id, afterTick: room.tick)
}

/// Runs one tick as a recording `RoomRunner` does; returns the tick's and the hash's durations.
@MainActor func tick() -> (tick: Double, hash: Double) {
    let started = clock.now
    let advance = room.advance()
    let ticked = clock.now
    let hash = room.stateHash(.fingerprint)
    let hashed = clock.now
    recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs, stateHash: hash))
    if room.tick % snapshotInterval == 0 { recorder.snapshotTaken(room.snapshot()) }
    if room.tick % 2_000 == 0 { recorder.flush() }
    return (milliseconds(ticked - started), milliseconds(hashed - ticked))
}

var cursor = DeterministicRandom(seed: 3)
let building = clock.now
while drawers.contains(where: { !$0.isDone }) {
    for (index, member) in members.enumerated() {
        let move = WhiteboardInput.cursor(x: UInt16(cursor.next(below: 4_096)), y: UInt16(cursor.next(below: 4_096)))
        _ = try room.enqueue(move.encodedBytes(), from: member)
        for _ in 0..<perTick {
            guard let input = drawers[index].next() else { break }
            _ = try room.enqueue(input, from: member)
        }
    }
    _ = tick()
}
let built = clock.now - building
let builtTicks = room.tick
let points = room.state.strokes.reduce(0) { $0 + $1.points.count }
let pointCapacity = room.state.strokes.reduce(0) { $0 + $1.points.capacity }
recorder.flush()
let afterBuild = Memory.now()

// A full board's tick: cursors only, as between two strokes.
var tickTimes: [Double] = []
var hashTimes: [Double] = []
var canonicalTimes: [Double] = []
for _ in 0..<40 {
    for member in members {
        let move = WhiteboardInput.cursor(x: UInt16(cursor.next(below: 4_096)), y: UInt16(cursor.next(below: 4_096)))
        _ = try room.enqueue(move.encodedBytes(), from: member)
    }
    let (tickTime, hashTime) = tick()
    tickTimes.append(tickTime)
    hashTimes.append(hashTime)
    let started = clock.now
    let canonical = room.stateHash
    canonicalTimes.append(milliseconds(clock.now - started))
    precondition(canonical != 0)
}

// Late joins: the tick that encodes the joiner's snapshot, and its wire bytes.
var joinTicks: [Double] = []
var wireEncodes: [Double] = []
var joinHashes: [Double] = []
var joinLoops: [Double] = []
var snapshotBytes = 0
var afterJoin = afterBuild
for join in 0..<options.joins {
    let joiner = MemberID("late-\(join)")
    try room.join(joiner)
    recorder.memberJoined(joiner, metadata: [:], room: room.id, afterTick: room.tick)
    let started = clock.now
    let advance = room.advance()
    let ticked = clock.now
    guard let snapshot = advance.output.snapshots.first?.snapshot else { fatalError("no snapshot for the joiner") }
    let buffer = snapshot.encodedBuffer()   // what the fan-out sends the joiner
    let encoded = clock.now
    let hash = room.stateHash(.fingerprint)
    let hashed = clock.now
    recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs, stateHash: hash))
    joinTicks.append(milliseconds(ticked - started))
    wireEncodes.append(milliseconds(encoded - ticked))
    joinHashes.append(milliseconds(hashed - encoded))
    joinLoops.append(milliseconds(hashed - started))
    snapshotBytes = buffer.readableBytes
    try room.leave(joiner)
    recorder.memberLeft(joiner, room: room.id, afterTick: room.tick)
    _ = tick()
    if join == 0 { afterJoin = Memory.now() }
}

for member in members {
    try room.leave(member)
    recorder.memberLeft(member, room: room.id, afterTick: room.tick)
}
_ = room.terminate()
recorder.sessionEnded(room: room.id, finalTick: room.tick, finalStateHash: room.stateHash(.fingerprint))
recorder.close()

// What the board itself holds: the heap released by dropping the room.
let document = room.state.documentBytes
let strokeCount = room.state.strokes.count
let finalTick = room.tick
let holding = Memory.now()
room = Room(id: "empty", logic: WhiteboardLogic(), seed: 1)
let dropped = Memory.now()
let boardPerPoint = Double(holding.heap - dropped.heap) / Double(points)
let heapPerPoint = Double(afterBuild.heap - before.heap) / Double(points)
let residentPerPoint = Double(afterBuild.resident - before.resident) / Double(points)
print("board: \(strokeCount) strokes, \(points) points, \(format(Double(document) / 1e6, 2)) MB encoded document "
    + "(limit \(format(Double(WhiteboardLimits.maxDocumentBytes) / 1e6, 2)) MB), built in \(builtTicks) ticks "
    + "(\(format(milliseconds(built) / 1_000, 1)) s, \(perTick) reliable inputs per member per tick)")
print("memory per stored point: the board's own heap \(format(boardPerPoint, 2)) B (released when the room goes), wire 4 B")
print("process growth over the build per point (the recorder's SQLite page cache, up to 64 MiB, included): heap \(format(heapPerPoint, 2)) B, RSS \(format(residentPerPoint, 2)) B "
    + "(heap +\(format(Double(afterBuild.heap - before.heap) / 1e6)) MB, RSS \(format(Double(before.resident) / 1e6)) -> "
    + "\(format(Double(afterBuild.resident) / 1e6)) MB; after one late join \(format(Double(afterJoin.resident) / 1e6)) MB)")
print("points' arrays: capacity for \(pointCapacity) points (\(format(Double(pointCapacity) / Double(points), 3)) per point stored)")
print("full-board tick (cursors only), median of 40: tick \(format(median(tickTimes), 2)) ms, "
    + "state hash for the recorder (fingerprint) \(format(median(hashTimes), 3)) ms (max \(format(hashTimes.max() ?? 0, 3)) ms), "
    + "canonical bytes' hash \(format(median(canonicalTimes), 2)) ms")
print("late join, median of \(options.joins): \(format(median(joinLoops), 2)) ms on the room's loop = "
    + "tick with the joiner's snapshot \(format(median(joinTicks), 2)) + snapshot.encodedBuffer() \(format(median(wireEncodes), 2)) "
    + "+ state hash \(format(median(joinHashes), 2)) ms; "
    + "snapshot \(snapshotBytes) bytes")
let stats = recorder.statistics
print("recorded: \(finalTick) ticks to \(options.db) (\(stats.accepted) events, \(stats.dropped) dropped)")
