import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle verify ID | --all`: re-simulates sessions and compares every
/// recorded hash; exits non-zero naming the first tick that diverges.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-simulate sessions and compare every recorded state hash.",
        discussion: """
            Re-simulates each session with the logic version that recorded it (in segments \
            between its stored snapshots, run on every core; each segment must reproduce the \
            next snapshot exactly) and compares the hash of every tick, every stored snapshot \
            and the final hash. \
            An incomplete session (its recorder died) is verified up to its last committed \
            tick; a session with a recording gap up to the tick before the gap. \
            A session resumed on another node (its room's owner died) also has its link \
            checked: the session it continues exists, records the link's tick, and recorded \
            there the state the resumed session starts from; a broken link fails like a \
            diverging tick.

            Exit codes: 0 verified, 1 a tick diverges (the message names it), 2 a recording gap, \
            3 no such session, 4 unusable store, 5 logic not in this build, 6 I/O error. \
            With --all the worst outcome decides the exit code.

            Example: huddle verify 12 --db huddle.sqlite
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id (see `huddle sessions`).", valueName: "id"))
    var id: Int64?

    @Flag(help: "Verify every session in the store.")
    var all = false

    @Flag(help: "Show a progress bar on stderr even when it is not a terminal.")
    var progress = false

    @Flag(help: "Never show a progress bar.")
    var quiet = false

    func validate() throws {
        if all == (id != nil) { throw ValidationError("give a session id or --all (not both)") }
        if let id, id <= 0 { throw ValidationError("a session id is a positive number") }
        if progress, quiet { throw ValidationError("--progress and --quiet contradict each other") }
    }

    func run() async throws {
        try await CLIExit.run {
            let output = CLIContext.current.output
            let store = try self.store.open()
            let replayer = SessionReplayer(store: store, kinds: CLIContext.current.kinds)
            let ids: [RecordedSessionID] = all ? Array(try store.sessions().map(\.id).reversed()) : [RecordedSessionID(id ?? 0)]
            if all, ids.isEmpty { return output.result("no sessions in \(self.store.displayLocation)") }
            var worst: Int32 = 0
            for (index, id) in ids.enumerated() {
                // With --all, each session's bar says which of how many it is.
                let label = all ? "session \(id) (\(index + 1)/\(ids.count))" : "session \(id)"
                let outcome = Result { () throws(SnapshotStoreError) -> Int32 in try verify(id, label: label, replayer, output) }
                switch outcome {
                case .success(let code):
                    worst = max(worst, code)
                case .failure(let error):
                    guard all else { throw error }
                    output.error(error.description)
                    worst = max(worst, CLIExit.code(for: error))
                }
            }
            if worst != 0 { throw ExitCode(worst) }
        }
    }

    /// Verifies one session and prints its line; returns the exit code it earns.
    private func verify(
        _ id: RecordedSessionID, label: String, _ replayer: SessionReplayer, _ output: CommandOutput
    ) throws(SnapshotStoreError) -> Int32 {
        let bar = ProgressBar(label: label, output: output, enabled: !quiet && (progress || output.diagnosticsAreTerminal))
        let started = ContinuousClock.now
        let report: VerificationReport
        do {
            report = try replayer.verify(id) { done, total in bar.update(done, of: total) }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = report.session
        var line = "session \(id): verified ticks \(report.firstTick)…\(report.lastTick) (\(report.verifiedTicks) ticks, "
            + "\(report.snapshotsChecked) snapshots\(report.finalHashChecked ? ", final hash" : "")) in "
            + String(format: "%.2fs", seconds)
        if let gap = summary.gapFromTick {
            line += "; GAP: the recording lost tick \(gap) and later (\(summary.droppedEvents) events dropped)"
            output.result(line)
            return max(CLIExit.gap, try verifyLink(of: summary, replayer, output))
        }
        switch summary.status {
        case .ended: line += "; complete"
        case .incomplete: line += "; incomplete: the recorder stopped at tick \(summary.lastTick)"
        case .live: line += "; live: verified up to the last committed tick"
        }
        output.result(line)
        return try verifyLink(of: summary, replayer, output)
    }

    /// Checks a resumed session's link to the session it continues and
    /// prints its line; returns the exit code it earns (0 without a link).
    private func verifyLink(
        of summary: SessionSummary, _ replayer: SessionReplayer, _ output: CommandOutput
    ) throws(SnapshotStoreError) -> Int32 {
        guard let report = try replayer.verifyLink(of: summary) else { return 0 }
        let name = "session \(summary.id): link to session \(report.link.session) at tick \(report.link.tick)"
        guard let problem = report.problem else {
            output.result(name + ": ok")
            return 0
        }
        output.result(name + ": BROKEN: " + problem)
        return CLIExit.diverged
    }
}
