import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle export ID --format jsonl`: a session as JSON lines (session,
/// joins and leaves, ticks with inputs, states, end).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a session as JSON lines: ticks, inputs and states.",
        discussion: """
            One JSON object per line, in the order things happened:
              {"type":"session", …}                      the summary (as `sessions --json`)
              {"type":"join"|"leave", "afterTick", "member", "metadata", "at"}
              {"type":"tick", "tick", "hash", "at", "inputs":[{"member","sequence","bytes"(base64),"input"}]}
              {"type":"snapshot"|"state", "tick", "hash", "operationSequence", "members", "state"(base64)}
              {"type":"end", "status", "lastTick", "finalTick", "finalHash", "gapFromTick"}
            --states stored (default) emits the stored snapshots; --states N re-simulates the
            session and emits the state every N ticks (hashes checked); --states none omits them.
            A progress bar (ticks done, rate, time left) goes to stderr when it is a terminal \
            (--progress: always; --quiet: never).

            Example: huddle export 12 --format jsonl --states 600 > session-12.jsonl
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl
    }

    @OptionGroup var store: StoreOptions
    @OptionGroup var session: SessionArgument

    @Option(help: "The output format.")
    var format: Format = .jsonl

    @Option(help: ArgumentHelp("stored, none, or N (re-simulate, a state every N ticks).", valueName: "states"))
    var states: StatesArgument = .stored

    @Option(name: [.short, .long], help: "Write to this file instead of stdout.")
    var output: String?

    @Flag(help: "Show the progress bar on stderr even when it is not a terminal.")
    var progress = false

    @Flag(help: "Never show a progress bar.")
    var quiet = false

    func validate() throws {
        if progress, quiet { throw ValidationError("--progress and --quiet contradict each other") }
    }

    func run() async throws {
        try await CLIExit.run {
            let context = CLIContext.current
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            // Inputs are decoded when this program has the recording's kind and version.
            let kind = context.kinds.entry(for: summary.kind, version: summary.logicVersion)
            let writer = try LineWriter(path: output, standardOutput: context.output)
            defer { writer.close() }
            let bar = ProgressBar(label: "export \(summary.id)", output: context.output,
                                  enabled: !quiet && (progress || context.output.diagnosticsAreTerminal))
            defer { bar.finish() }
            let total = summary.lastTick - summary.startTick
            let report: (UInt64) -> Void = { tick in bar.update(tick - summary.startTick, of: total) }
            try writer.write(ExportJSON.Session(summary))
            if case .every(let every) = states {
                var after = summary.startTick
                try SessionReplayer(store: store, kinds: context.kinds).states(summary.id, every: every) { snapshot in
                    do {
                        try exportTimeline(store, summary, kind, after: after, through: snapshot.tick, snapshots: [:], writer, report)
                        try writer.write(ExportJSON.State(snapshot, type: "state"))
                        after = snapshot.tick
                    } catch {
                        writer.fail(error)
                    }
                }
                try writer.check()
                try exportTimeline(store, summary, kind, after: after, through: summary.lastTick, snapshots: [:], writer, report, trailing: true)
            } else {
                var snapshots: [UInt64: RoomSnapshot] = [:]
                if states == .stored {
                    for info in try store.snapshots(of: summary.id) {
                        snapshots[info.tick] = try store.snapshot(of: summary.id, atOrBefore: info.tick)
                    }
                }
                if let first = snapshots[summary.startTick] { try writer.write(ExportJSON.State(first, type: "snapshot")) }
                try exportTimeline(store, summary, kind, after: summary.startTick, through: summary.lastTick,
                                   snapshots: snapshots, writer, report, trailing: true)
            }
            try writer.write(ExportJSON.End(summary))
        }
    }

    /// Writes the timeline between two ticks, 4,096 ticks per read.
    private func exportTimeline(
        _ store: any SessionStore, _ summary: SessionSummary, _ kind: RoomKindEntry?, after: UInt64, through: UInt64,
        snapshots: [UInt64: RoomSnapshot], _ writer: LineWriter, _ report: (UInt64) -> Void, trailing: Bool = false
    ) throws {
        var low = after
        repeat {
            let high = min(low + 4_096, through)
            let last = high == through
            for entry in try store.timeline(of: summary.id, after: low, through: high, includeTrailing: last && trailing) {
                switch entry {
                case .membership(let event):
                    try writer.write(ExportJSON.Membership(event))
                case .tick(let stored):
                    try writer.write(ExportJSON.Tick(stored, kind: kind))
                    if let snapshot = snapshots[stored.tick.tick] { try writer.write(ExportJSON.State(snapshot, type: "snapshot")) }
                }
            }
            low = high
            report(high)
        } while low < through
    }
}
