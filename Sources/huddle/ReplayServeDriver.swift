import Foundation
import NIOCore
import RoomEngine
import SnapshotStore
import SocketIO
import SocketIOCore

/// The clock of a served replay: it owns a ``ReplayServeTrack`` on one
/// event loop, advances it at the session's tick rate × speed, and sends
/// each frame to every viewer of the `/replay` namespace.
///
/// At high speeds several ticks go into one frame (at most
/// ``maxFramesPerSecond`` frames a second); each tick's hash is still
/// checked. Viewers are not room members: nothing they do changes the
/// recorded state. Every method must run on ``loop`` (the socket handlers
/// hop there with `loop.execute`).
final class ReplayServeDriver {
    /// The highest frame rate sent to viewers.
    static let maxFramesPerSecond = 50.0
    /// The accepted speeds.
    static let speeds: ClosedRange<Double> = 0.1...64

    let loop: any EventLoop
    let summary: SessionSummary
    let tickRate: Int
    /// The first tick a viewer can seek to, and the last.
    let firstTick: UInt64
    let lastTick: UInt64
    private let track: any ReplayServeTrack
    private let namespace: SocketIONamespace
    private(set) var speed: Double
    /// True while paused (by a viewer, at the end, or at a divergence).
    private(set) var paused = false
    /// False until the first viewer connects (nobody misses the start).
    private var started = false
    private var timer: Scheduled<Void>?

    init(
        loop: any EventLoop, summary: SessionSummary, tickRate: Int, firstTick: UInt64, lastTick: UInt64,
        track: any ReplayServeTrack, namespace: SocketIONamespace, speed: Double
    ) {
        self.loop = loop
        self.summary = summary
        self.tickRate = max(tickRate, 1)
        self.firstTick = firstTick
        self.lastTick = lastTick
        self.track = track
        self.namespace = namespace
        self.speed = speed
    }

    /// Positions the replay on `tick` (before any viewer connects).
    func prepare(at tick: UInt64) throws(ReplayServeFailure) {
        try track.seek(to: tick)
    }

    // MARK: Viewers

    /// `replay-info`: `{session, kind, firstTick, lastTick, speed, paused}`.
    var info: JSONValue {
        .object([
            "session": .int(summary.id.rawValue),
            "kind": .string(summary.kind.name),
            "firstTick": .int(Int64(clamping: firstTick)),
            "lastTick": .int(Int64(clamping: lastTick)),
            "tickRate": .int(Int64(tickRate)),
            "speed": .double(speed),
            "paused": .bool(paused),
        ])
    }

    /// The current frame's arguments: `{tick, hash}` and the encoded snapshot.
    var frame: [JSONValue] {
        [
            .object(["tick": .int(Int64(clamping: track.tick)), "hash": .string(String(track.stateHash))]),
            .binary(ByteBuffer(bytes: track.encodedSnapshot())),
        ]
    }

    /// A viewer connected: starts the clock on the first one.
    func viewerConnected() {
        guard !started else { return }
        started = true
        if !paused { schedule() }
    }

    // MARK: Controls (each returns the ack's payload)

    /// Re-simulates to `tick`, sends that frame, and goes on from there.
    func seek(to tick: UInt64) -> JSONValue {
        guard tick >= firstTick, tick <= lastTick else {
            return Self.error("tick \(tick) is outside the session (\(firstTick)…\(lastTick))")
        }
        let before = track.tick
        do {
            try track.seek(to: tick)
        } catch {
            if case .diverged(let at) = error { return diverged(at) }
            // Put the replay back where it was.
            try? track.seek(to: before)
            return Self.error(error.description)
        }
        broadcastFrame()
        if started, !paused { schedule() }
        return .object(["ok": .bool(true), "tick": .int(Int64(clamping: track.tick))])
    }

    /// Changes the pace (the next frame comes at the new rate).
    func setSpeed(_ value: Double) -> JSONValue {
        guard value.isFinite, Self.speeds.contains(value) else {
            return Self.error("speed must be between \(Self.speeds.lowerBound) and \(Self.speeds.upperBound)")
        }
        speed = value
        if started, !paused { schedule() }
        broadcastInfo()
        return .object(["ok": .bool(true), "speed": .double(speed)])
    }

    /// Stops the clock.
    func pause() -> JSONValue {
        paused = true
        timer?.cancel()
        timer = nil
        broadcastInfo()
        return .object(["ok": .bool(true), "paused": .bool(true), "tick": .int(Int64(clamping: track.tick))])
    }

    /// Restarts the clock (at the end: `replay-end` again, still paused).
    func resume() -> JSONValue {
        paused = false
        started = true
        if track.tick >= lastTick {
            finish()
        } else {
            schedule()
            broadcastInfo()
        }
        return .object(["ok": .bool(true), "paused": .bool(paused), "tick": .int(Int64(clamping: track.tick))])
    }

    /// Stops for good (shutdown).
    func stop() {
        timer?.cancel()
        timer = nil
        paused = true
    }

    // MARK: The clock

    private func schedule() {
        timer?.cancel()
        let ticksPerSecond = Double(tickRate) * speed
        let ticksPerFrame = max(1, (ticksPerSecond / Self.maxFramesPerSecond).rounded(.up))
        let interval = TimeAmount.nanoseconds(Int64(ticksPerFrame / ticksPerSecond * 1_000_000_000))
        timer = loop.assumeIsolated().scheduleTask(in: interval) { [self] in
            timer = nil
            step(UInt64(ticksPerFrame))
        }
    }

    private func step(_ count: UInt64) {
        guard !paused else { return }
        do {
            try track.advance(by: count, end: lastTick)
        } catch {
            switch error {
            case .diverged(let tick):
                _ = diverged(tick)
            case .failed(let message):
                CLIOutput.error("replay stopped at tick \(track.tick): \(message)")
                paused = true
                broadcastFrame()
            }
            return
        }
        broadcastFrame()
        if track.tick >= lastTick {
            finish()
        } else {
            schedule()
        }
    }

    private func finish() {
        paused = true
        broadcastInfo()
        namespace.emit("replay-end", .object(["tick": .int(Int64(clamping: track.tick))]))
    }

    private func diverged(_ tick: UInt64) -> JSONValue {
        paused = true
        timer?.cancel()
        timer = nil
        broadcastFrame()
        broadcastInfo()
        namespace.emit("replay-diverged", .object(["tick": .int(Int64(clamping: tick))]))
        return Self.error("tick \(tick) diverges from the recording")
    }

    /// Every viewer learns of a change of speed or of pause.
    private func broadcastInfo() {
        namespace.emit("replay-info", info)
    }

    private func broadcastFrame() {
        namespace.broadcastOperator.emit("replay-frame", arguments: frame)
    }

    static func error(_ message: String) -> JSONValue {
        .object(["error": .string(message)])
    }
}
