import ArgumentParser
import Foundation
import HuddleRooms
import RoomEngine
import SnapshotStore

/// `huddle show ID`: one session's summary, members, input rates and snapshots.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one recorded session: summary, members, inputs per second, snapshots.",
        discussion: "Example: huddle show 12 --db huddle.sqlite"
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var session: SessionArgument

    func run() async throws {
        try await CLIExit.run {
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            let kinds = RoomKindCatalog.builtIn
            printSummary(summary, kinds: kinds)
            let rate = kinds.entry(for: summary.kind)?.rules.ticksPerSecond ?? 20
            let rates = try InputRates.measure(store, summary, ticksPerSecond: rate)
            try printMembers(store, summary, rates: rates)
            print("")
            print("inputs per second: \(format(rates.averagePerSecond)) average, \(rates.peakPerSecond) in the busiest second (from tick \(rates.peakStartTick))")
            try printSnapshots(store.snapshots(of: summary.id))
        }
    }

    private func printSummary(_ summary: SessionSummary, kinds: RoomKindCatalog) {
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
        ]
        if let final = summary.final { lines.append(("final", "tick \(final.tick), hash \(Hex.hash(final.stateHash))")) }
        if let gap = summary.gapFromTick {
            lines.append(("gap", "recording lost from tick \(gap) on (\(summary.droppedEvents) events dropped)"))
        }
        if summary.status == .incomplete {
            lines.append(("note", "the recorder stopped without an end; the recording is valid up to tick \(summary.lastTick)"))
        }
        for (key, value) in lines { print(key.padding(toLength: 10, withPad: " ", startingAt: 0) + value) }
    }

    private func printMembers(_ store: any SessionStore, _ summary: SessionSummary, rates: InputRates) throws(SnapshotStoreError) {
        let membership = try store.membership(of: summary.id)
        var order: [MemberID] = []
        var spans: [MemberID: [String]] = [:]
        for event in membership {
            if spans[event.member] == nil { order.append(event.member) }
            var list = spans[event.member] ?? []
            if event.joined {
                list.append("\(event.afterTick)…")
            } else if let last = list.last, last.hasSuffix("…") {
                list[list.count - 1] = last + "\(event.afterTick)"
            } else {
                list.append("…\(event.afterTick)")
            }
            spans[event.member] = list
        }
        for member in rates.perMember.keys.sorted() where spans[member] == nil { order.append(member) }
        print("")
        print("members (\(order.count)):")
        guard !order.isEmpty else { return print("  (none)") }
        print(CLIOutput.table(["  MEMBER", "PRESENT (after tick)", "INPUTS", "PER SECOND"], order.map { member in
            let count = rates.perMember[member] ?? 0
            return ["  " + member.rawValue, (spans[member] ?? ["before start"]).joined(separator: ", "),
                    String(count), format(rates.seconds > 0 ? Double(count) / rates.seconds : 0)]
        }))
    }

    private func printSnapshots(_ snapshots: [SnapshotInfo]) {
        print("")
        print("snapshots (\(snapshots.count)):")
        guard !snapshots.isEmpty else { return print("  (none)") }
        print(CLIOutput.table(["  TICK", "HASH", "BYTES", "STORED"], snapshots.map {
            ["  \($0.tick)", Hex.hash($0.stateHash), String($0.rawBytes), String($0.storedBytes)]
        }))
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Input counts over a whole session, read in chunks.
struct InputRates {
    var perMember: [MemberID: Int] = [:]
    var seconds: Double = 0
    var averagePerSecond: Double = 0
    var peakPerSecond = 0
    var peakStartTick: UInt64 = 0

    static func measure(_ store: any SessionStore, _ summary: SessionSummary, ticksPerSecond: Int) throws(SnapshotStoreError) -> InputRates {
        var rates = InputRates()
        let rate = UInt64(max(ticksPerSecond, 1))
        var bucketStart = summary.startTick + 1
        var bucketCount = 0
        var low = summary.startTick + 1
        while low <= summary.lastTick {
            let high = min(low + 9_999, summary.lastTick)
            for stored in try store.ticks(of: summary.id, in: low...high) {
                if stored.tick.tick >= bucketStart + rate {
                    rates.notePeak(bucketCount, from: bucketStart)
                    bucketStart += (stored.tick.tick - bucketStart) / rate * rate
                    bucketCount = 0
                }
                bucketCount += stored.tick.inputs.count
                for input in stored.tick.inputs { rates.perMember[input.member, default: 0] += 1 }
            }
            low = high + 1
        }
        rates.notePeak(bucketCount, from: bucketStart)
        rates.seconds = Double(summary.lastTick - summary.startTick) / Double(rate)
        rates.averagePerSecond = rates.seconds > 0 ? Double(summary.inputCount) / rates.seconds : 0
        return rates
    }

    private mutating func notePeak(_ count: Int, from tick: UInt64) {
        if count > peakPerSecond {
            peakPerSecond = count
            peakStartTick = tick
        }
    }
}
