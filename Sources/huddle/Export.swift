import ArgumentParser
import Foundation
import HuddleRooms
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
    var states = "stored"

    @Option(name: [.short, .long], help: "Write to this file instead of stdout.")
    var output: String?

    func validate() throws {
        guard states == "stored" || states == "none" || (UInt64(states) ?? 0) > 0 else {
            throw ValidationError("--states is stored, none, or a positive number of ticks")
        }
    }

    func run() async throws {
        try await CLIExit.run {
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            let writer = try LineWriter(path: output)
            defer { writer.close() }
            try writer.write(ExportJSON.Session(summary))
            if let every = UInt64(states) {
                var after = summary.startTick
                try SessionReplayer(store: store, kinds: .builtIn).states(summary.id, every: every) { snapshot in
                    do {
                        try exportTimeline(store, summary, after: after, through: snapshot.tick, snapshots: [:], writer)
                        try writer.write(ExportJSON.State(snapshot, type: "state"))
                        after = snapshot.tick
                    } catch {
                        writer.fail(error)
                    }
                }
                try writer.check()
                try exportTimeline(store, summary, after: after, through: summary.lastTick, snapshots: [:], writer, trailing: true)
            } else {
                var snapshots: [UInt64: RoomSnapshot] = [:]
                if states == "stored" {
                    for info in try store.snapshots(of: summary.id) {
                        snapshots[info.tick] = try store.snapshot(of: summary.id, atOrBefore: info.tick)
                    }
                }
                if let first = snapshots[summary.startTick] { try writer.write(ExportJSON.State(first, type: "snapshot")) }
                try exportTimeline(store, summary, after: summary.startTick, through: summary.lastTick,
                                   snapshots: snapshots, writer, trailing: true)
            }
            try writer.write(ExportJSON.End(summary))
        }
    }

    /// Writes the timeline between two ticks, 4,096 ticks per read.
    private func exportTimeline(
        _ store: any SessionStore, _ summary: SessionSummary, after: UInt64, through: UInt64,
        snapshots: [UInt64: RoomSnapshot], _ writer: LineWriter, trailing: Bool = false
    ) throws {
        let kind = RoomKindCatalog.builtIn.entry(for: summary.kind, version: summary.logicVersion)
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
        } while low < through
    }
}

/// Buffered line output to stdout or a file.
final class LineWriter {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var buffer = Data()
    private let encoder = JSONEncoder()
    private var failure: (any Error)?

    init(path: String?) throws(SnapshotStoreError) {
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw .io("cannot write \(path)")
            }
            self.handle = handle
            ownsHandle = true
        } else {
            handle = .standardOutput
            ownsHandle = false
        }
    }

    func write(_ value: some Encodable) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func fail(_ error: any Error) { if failure == nil { failure = error } }

    func check() throws { if let failure { throw failure } }

    func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if ownsHandle { try? handle.close() }
    }
}
