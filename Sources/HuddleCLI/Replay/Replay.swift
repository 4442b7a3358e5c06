import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle replay ID [--from TICK] [--to TICK] [--speed X]`: re-simulates a
/// range of a session from the nearest snapshot and prints its timeline;
/// with `--serve`, streams it to viewers on the demo page instead
/// (``ReplayServe``).
struct ReplaySession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-simulate a session from the nearest snapshot and print its timeline.",
        discussion: """
            Starts from the newest stored snapshot before --from (or the session start), \
            re-simulates up to --to with the recorded inputs, checks every tick's hash, and \
            prints each tick with inputs (and the inputs), each join or leave, and one line per \
            stretch of ticks without input (ticks 4-61: no input; --verbose: every tick; \
            --quiet: ticks with inputs only), then a summary. Without --speed \
            the timeline prints as fast as it is computed; --speed 1 paces it in real time, \
            --speed 4 four times faster. A diverging tick stops the replay (exit code 1). \
            With --serve, the replay is streamed instead to the Socket.IO namespace /replay \
            (watch it at http://HOST:PORT/replay.html), starting when the first viewer \
            connects, at --speed (default 1), with seeking, speed changes and pause.

            Example: huddle replay 12 --from 1200 --to 1260 --speed 2
            Example: huddle replay 12 --serve --port 3000 --speed 4
            Example: huddle replay 12 --serve --as Zq3v…   (what that member was shown)
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var session: SessionArgument

    @Option(help: "The first tick to print (default: the first recorded tick).")
    var from: UInt64?

    @Option(help: "The last tick to print (default: the last trustworthy tick).")
    var to: UInt64?

    @Option(help: "Pace the timeline at this multiple of real time (default: no pacing).")
    var speed: Double?

    @Flag(help: "Print only ticks that have inputs, joins and leaves.")
    var quiet = false

    @Flag(help: "Print every tick, idle ones included (default: a stretch without input is one line).")
    var verbose = false

    @Flag(help: "Stream the replay to viewers of /replay.html instead of printing it.")
    var serve = false

    @Option(help: "With --serve: the address to bind.")
    var host = "127.0.0.1"

    @Option(help: "With --serve: the port to bind (0: any free port; the 'listening on' line tells which).")
    var port = 3000

    @Option(help: "With --serve: the page directory (default: the program's own pages, else ./Assets, else Assets in the package root).")
    var assets: String?

    @Option(name: .customLong("as"), help: ArgumentHelp(
        "With --serve: stream what this member was shown (its own view, for a kind with hidden state) instead of the whole state.",
        valueName: "member"
    ))
    var viewer: String?

    func validate() throws {
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be a positive number") }
        if viewer != nil, !serve { throw ValidationError("--as goes with --serve") }
        if quiet, verbose { throw ValidationError("--quiet and --verbose contradict each other") }
        if serve, let speed, !ReplayServeDriver.speeds.contains(speed) {
            throw ValidationError("--speed must be between 0.1 and 64 with --serve")
        }
    }

    func run() async throws {
        try await CLIExit.run {
            let context = CLIContext.current
            if serve {
                let replay = ReplayServe(store: try self.store.open(), kinds: context.kinds, session: session.session,
                                         host: host, port: port, speed: speed ?? 1, from: from, to: to, assets: assets,
                                         viewer: viewer.map { MemberID($0) })
                try await replay.run()
                return
            }
            let output = context.output
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            let end = summary.verifiableEnd
            if let from, from > end {
                throw ValidationError("--from \(from) is past the last replayable tick \(end) of session \(summary.id)")
            }
            let replayer = SessionReplayer(store: store, kinds: context.kinds)
            let rate = try replayer.entry(recording: summary).rules.ticksPerSecond
            let pacer = Pacer(tickSeconds: speed.map { 1 / (Double(rate) * $0) })
            var lines = ReplayLines(mode: verbose ? .verbose : quiet ? .inputsOnly : .collapsed)
            let report: ReplayReport
            do {
                report = try replayer.replay(summary.id, from: from, through: to) { step in
                    pacer.wait(for: step.entry)
                    for line in lines.add(step.entry, inputDescriptions: step.inputDescriptions) { output.result(line) }
                }
            } catch {
                for line in lines.finish() { output.result(line) }
                throw error
            }
            for line in lines.finish() { output.result(line) }
            output.result(lines.summary)
            let origin = report.baseTick == summary.startTick && report.baseTick == 0
                ? "the session start" : "the snapshot at tick \(report.baseTick)"
            output.result("replayed ticks \(report.firstTick)…\(report.lastTick) of session \(summary.id) from \(origin); "
                  + "every hash matched; state hash \(Hex.hash(report.finalStateHash))")
            if summary.status != .ended || summary.gapFromTick != nil {
                output.result("note: session \(summary.id) is \(summary.statusText); the recording ends at tick \(end)")
            }
        }
    }
}
