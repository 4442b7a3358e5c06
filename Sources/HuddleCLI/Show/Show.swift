import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle show ID`: one session's summary, members, input rates and snapshots.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one recorded session: summary, members, inputs per second, snapshots.",
        discussion: """
            With --timeline FILE.svg, also draws the session over time: inputs per second by \
            member, operations per second (re-simulated, when this program has the kind), \
            members present, the stored snapshots, the recording's gap, and (with \
            --verify, which re-simulates the session) the first diverging tick.

            Example: huddle show 12 --db huddle.sqlite
            Example: huddle show 12 --timeline session-12.svg --verify
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var session: SessionArgument

    @Option(help: ArgumentHelp("Also draw the session over time into this SVG file.", valueName: "file.svg"))
    var timeline: String?

    @Flag(help: "With --timeline: verify the session and mark the first diverging tick.")
    var verify = false

    func validate() throws {
        if verify, timeline == nil { throw ValidationError("--verify goes with --timeline") }
        if let timeline, PictureFormat(path: timeline) != .svg { throw ValidationError("--timeline writes an .svg file, not '\(timeline)'") }
    }

    func run() async throws {
        try await CLIExit.run {
            let context = CLIContext.current
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            // The session that resumed this one elsewhere (failover), if any.
            let continuation = try store.sessions(matching: SessionFilter(roomID: summary.roomID))
                .first { $0.resumedFrom?.session == summary.id.rawValue }
            printSummary(summary, continuedBy: continuation, kinds: context.kinds, to: context.output)
            // A kind this program lacks is still shown, with a nominal rate.
            let rate = context.kinds.entry(for: summary.kind)?.rules.ticksPerSecond ?? 20
            let rates = try InputRates.measure(store, summary, ticksPerSecond: rate)
            try printMembers(store, summary, rates: rates, to: context.output)
            context.output.result("")
            context.output.result("inputs per second: \(format(rates.averagePerSecond)) average, \(rates.peakPerSecond) in the busiest second (from tick \(rates.peakStartTick))")
            printSnapshots(try store.snapshots(of: summary.id), to: context.output)
            if let timeline { try drawTimeline(store, summary, rate: rate, kinds: context.kinds, to: timeline, output: context.output) }
        }
    }

    private func printSummary(_ summary: SessionSummary, continuedBy continuation: SessionSummary?, kinds: RoomKindCatalog, to output: CommandOutput) {
        let versions = kinds.versions(of: summary.kind)
        let support = versions.contains(summary.logicVersion) ? "replayable" : "NOT in this build (has \(versions))"
        var lines: [(String, String)] = [
            ("session", summary.id.description),
            ("room", "\(summary.roomID) (\(summary.kind), logic v\(summary.logicVersion), \(support))"),
            ("seed", String(summary.seed)),
            ("config", summary.config.parameters.isEmpty ? "(none)"
                : summary.config.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
            ("status", summary.statusText),
            ("started", CLITime.timestamp(summary.startedAt)),
            ("ended", summary.endedAt.map(CLITime.timestamp) ?? "-"),
            ("duration", CLITime.duration(microseconds: summary.durationMicroseconds) + " wall clock"
                + (summary.logicalDuration(kinds).map { ", " + CLITime.duration(microseconds: $0) + " of ticks" } ?? "")),
            ("ticks", "\(summary.startTick + 1)…\(summary.lastTick) (\(summary.tickCount) stored)"),
            ("inputs", String(summary.inputCount)),
            ("tick hashes", summary.stateHashing == .fingerprint ? "the kind's fingerprint" : "FNV-1a-64 of the canonical state bytes"),
        ]
        if let link = summary.resumedFrom {
            lines.append(("link", "resumed from session \(link.session) at tick \(link.tick)"))
        }
        if let final = summary.final { lines.append(("final", "tick \(final.tick), hash \(Hex.hash(final.stateHash))")) }
        if let gap = summary.gapFromTick {
            lines.append(("gap", "recording lost from tick \(gap) on (\(summary.droppedEvents) events dropped)"))
        }
        if summary.status == .incomplete {
            lines.append(("note", "the recorder stopped without an end; the recording is valid up to tick \(summary.lastTick)"))
        }
        if let continuation, let link = continuation.resumedFrom {
            let lost = summary.lastTick > link.tick ? " (ticks \(link.tick + 1)…\(summary.lastTick) recorded here are not in it)" : ""
            lines.append(("resumed", "as session \(continuation.id) from tick \(link.tick) on another node\(lost)"))
        }
        for (key, value) in lines { output.result(key.padding(toLength: 10, withPad: " ", startingAt: 0) + value) }
    }

    private func printMembers(
        _ store: any SessionStore, _ summary: SessionSummary, rates: InputRates, to output: CommandOutput
    ) throws(SnapshotStoreError) {
        let membership = try store.membership(of: summary.id)
        var order: [MemberID] = []
        var presence: [MemberID: MemberPresence] = [:]
        for event in membership {
            if presence[event.member] == nil { order.append(event.member) }
            presence[event.member, default: MemberPresence()].record(event)
        }
        let spans = presence.mapValues(\.spans)
        for member in rates.perMember.keys.sorted() where spans[member] == nil { order.append(member) }
        output.result("")
        output.result("members (\(order.count)):")
        guard !order.isEmpty else { return output.result("  (none)") }
        output.result(CLITable.render(["  MEMBER", "PRESENT (after tick)", "INPUTS", "PER SECOND"], order.map { member in
            let count = rates.perMember[member] ?? 0
            return ["  " + member.rawValue, (spans[member] ?? ["before start"]).joined(separator: ", "),
                    String(count), format(rates.seconds > 0 ? Double(count) / rates.seconds : 0)]
        }))
    }

    private func printSnapshots(_ snapshots: [SnapshotInfo], to output: CommandOutput) {
        output.result("")
        output.result("snapshots (\(snapshots.count)):")
        guard !snapshots.isEmpty else { return output.result("  (none)") }
        output.result(CLITable.render(["  TICK", "HASH", "BYTES", "STORED"], snapshots.map {
            ["  \($0.tick)", Hex.hash($0.stateHash), String($0.rawBytes), String($0.storedBytes)]
        }))
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Writes the timeline chart; with `--verify`, marks where the session diverges.
    private func drawTimeline(
        _ store: any SessionStore, _ summary: SessionSummary, rate: Int, kinds: RoomKindCatalog, to path: String, output: CommandOutput
    ) throws {
        var divergence: UInt64?
        if verify {
            let outcome = Result { () throws(SnapshotStoreError) -> VerificationReport in
                try SessionReplayer(store: store, kinds: kinds).verify(summary.id)
            }
            if case .failure(let error) = outcome {
                guard case .diverged(_, let tick, _, _) = error else { throw error }
                divergence = tick
            }
        }
        // Operations are counted by re-simulating, when this program has the kind.
        let replayer = kinds.entry(for: summary.kind, version: summary.logicVersion) == nil
            ? nil : SessionReplayer(store: store, kinds: kinds)
        let data = try TimelineData.collect(store, summary, ticksPerSecond: rate, divergence: divergence, replayer: replayer)
        try Data(TimelineChart.render(data).text.utf8).write(to: URL(fileURLWithPath: path))
        output.result("")
        output.result("timeline: wrote \(path)" + (verify ? (divergence.map { "; diverges at tick \($0)" } ?? "; verified, no divergence") : ""))
    }
}
