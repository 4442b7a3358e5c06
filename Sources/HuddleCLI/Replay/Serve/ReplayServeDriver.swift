import Foundation
import NIOCore
import RoomEngine
import SnapshotStore
import SocketIO
import SocketIOCore

/// The clock of a served replay: on one event loop it asks its
/// ``ReplayServeWorker`` to advance the track at the session's tick rate ×
/// speed, and sends each frame to every viewer of the `/replay` namespace.
///
/// At high speeds several ticks go into one frame (at most
/// ``maxFramesPerSecond`` frames a second); each tick's hash is still
/// checked. Viewers are not room members: nothing they do changes the
/// recorded state. Every method must run on ``loop`` (the socket handlers
/// hop there with `loop.execute`); the track itself is only touched by the
/// worker, so the loop never waits for SQLite or a long re-simulation. One
/// step is in flight at a time; a seek makes a step still in flight stale
/// (its frame is dropped).
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
    private let worker: ReplayServeWorker
    /// Where the track was when the worker last reported.
    private var current: ReplayServeWorker.Frame
    private let namespace: SocketIONamespace
    private let output: CommandOutput
    private(set) var speed: Double
    /// True while paused (by a viewer, at the end, or at a divergence).
    private(set) var paused = false
    /// False until the first viewer connects (nobody misses the start).
    private var started = false
    private var timer: Scheduled<Void>?
    /// A step is running on the worker.
    private var stepping = false
    /// Bumped by each seek: a step started before it reports a stale frame.
    private var generation = 0

    init(
        loop: any EventLoop, summary: SessionSummary, tickRate: Int, firstTick: UInt64, lastTick: UInt64,
        worker: ReplayServeWorker, at frame: ReplayServeWorker.Frame, namespace: SocketIONamespace, speed: Double,
        output: CommandOutput
    ) {
        self.loop = loop
        self.summary = summary
        self.tickRate = max(tickRate, 1)
        self.firstTick = firstTick
        self.lastTick = lastTick
        self.worker = worker
        self.current = frame
        self.namespace = namespace
        self.output = output
        self.speed = speed
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
            .object(["tick": .int(Int64(clamping: current.tick)), "hash": .string(String(current.hash))]),
            .binary(ByteBuffer(bytes: current.snapshot)),
        ]
    }

    /// A viewer connected: starts the clock on the first one.
    func viewerConnected() {
        guard !started else { return }
        started = true
        if !paused { schedule() }
    }

    // MARK: Controls (each returns the ack's payload)

    /// Re-simulates to `tick` (on the worker), sends that frame, and goes on
    /// from there; `answer` gets the ack's payload, on the loop.
    func seek(to tick: UInt64, answer: @escaping (JSONValue) -> Void) {
        guard tick >= firstTick, tick <= lastTick else {
            return answer(Self.error("tick \(tick) is outside the session (\(firstTick)…\(lastTick))"))
        }
        generation += 1
        timer?.cancel()
        timer = nil
        worker.run(on: loop) { track throws(ReplayServeFailure) in
            let before = track.tick
            do throws(ReplayServeFailure) {
                try track.seek(to: tick)
            } catch {
                // Put the replay back where it was, but for a divergence:
                // it stays on the last tick that matched.
                if case .failed = error { try? track.seek(to: before) }
                throw error
            }
        }.assumeIsolated().whenSuccess { [self] outcome, frame in
            current = frame
            switch outcome {
            case .failure(.diverged(let at)):
                answer(diverged(at))
            case .failure(let error):
                answer(Self.error(error.description))
            case .success:
                broadcastFrame()
                if started, !paused { schedule() }
                answer(.object(["ok": .bool(true), "tick": .int(Int64(clamping: current.tick))]))
            }
        }
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
        return .object(["ok": .bool(true), "paused": .bool(true), "tick": .int(Int64(clamping: current.tick))])
    }

    /// Restarts the clock (at the end: `replay-end` again, still paused).
    func resume() -> JSONValue {
        paused = false
        started = true
        if current.tick >= lastTick, !stepping {
            finish()
        } else {
            schedule()
            broadcastInfo()
        }
        return .object(["ok": .bool(true), "paused": .bool(paused), "tick": .int(Int64(clamping: current.tick))])
    }

    /// Stops for good (shutdown).
    func stop() {
        timer?.cancel()
        timer = nil
        paused = true
        generation += 1  // a step still on the worker reports to nobody
    }

    // MARK: The clock

    /// Times the next step (a step in flight times the next one itself).
    private func schedule() {
        timer?.cancel()
        timer = nil
        guard !stepping else { return }
        let ticksPerSecond = Double(tickRate) * speed
        let ticksPerFrame = max(1, (ticksPerSecond / Self.maxFramesPerSecond).rounded(.up))
        let interval = TimeAmount.nanoseconds(Int64(ticksPerFrame / ticksPerSecond * 1_000_000_000))
        timer = loop.assumeIsolated().scheduleTask(in: interval) { [self] in
            timer = nil
            step(UInt64(ticksPerFrame))
        }
    }

    private func step(_ count: UInt64) {
        guard !paused, !stepping else { return }
        stepping = true
        let started = generation
        let end = lastTick
        worker.run(on: loop) { track throws(ReplayServeFailure) in
            try track.advance(by: count, end: end)
        }.assumeIsolated().whenSuccess { [self] outcome, frame in
            stepping = false
            guard started == generation else { return }  // a seek came after it
            current = frame
            switch outcome {
            case .failure(.diverged(let tick)):
                _ = diverged(tick)
            case .failure(.failed(let message)):
                output.error("replay stopped at tick \(current.tick): \(message)")
                paused = true
                broadcastFrame()
            case .success:
                broadcastFrame()
                if current.tick >= lastTick {
                    finish()
                } else if !paused {
                    schedule()
                }
            }
        }
    }

    private func finish() {
        paused = true
        broadcastInfo()
        namespace.emit("replay-end", .object(["tick": .int(Int64(clamping: current.tick))]))
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
