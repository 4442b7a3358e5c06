import RoomEngine
import SnapshotStore

/// The lines `huddle replay` prints for a run of timeline entries, and the
/// summary at the end. Pure: entries in, text out.
///
/// By default a stretch of ticks without input is one line
/// (`ticks 4-61: no input`, `tick 9: no input` for one); `verbose` prints
/// every tick; `inputsOnly` (`--quiet`) drops idle ticks altogether.
/// Joins and leaves always print, and end a stretch.
///
/// ```swift
/// var lines = ReplayLines(mode: .collapsed)
/// for line in lines.add(entry, inputDescriptions: []) { print(line) }
/// for line in lines.finish() { print(line) }
/// ```
struct ReplayLines {
    enum Mode {
        case collapsed, verbose, inputsOnly
    }

    let mode: Mode
    private var idle: (first: UInt64, last: UInt64)?
    private(set) var ticks = 0
    private(set) var idleTicks = 0
    private(set) var inputs = 0
    private(set) var inputsByMember: [MemberID: Int] = [:]
    private(set) var changes: [MembershipEvent.Change: Int] = [:]
    private(set) var busiest: (tick: UInt64, inputs: Int)?

    init(mode: Mode) {
        self.mode = mode
    }

    /// The lines for one entry (an idle tick may print nothing yet).
    mutating func add(_ entry: TimelineEntry, inputDescriptions: [String]) -> [String] {
        switch entry {
        case .membership(let event):
            changes[event.change, default: 0] += 1
            let (mark, verb) = switch event.change {
            case .joined: ("+", "joined")
            case .left: ("-", "left")
            case .away: ("~", "away (connection lost, seat held)")
            case .back: ("~", "back")
            }
            return flush() + ["        \(mark) \(event.member) \(verb) after tick \(event.afterTick)"]
        case .tick(let stored):
            let tick = stored.tick
            ticks += 1
            inputs += tick.inputs.count
            for input in tick.inputs { inputsByMember[input.member, default: 0] += 1 }
            if !tick.inputs.isEmpty, tick.inputs.count > busiest?.inputs ?? 0 { busiest = (tick.tick, tick.inputs.count) }
            if tick.inputs.isEmpty {
                idleTicks += 1
                switch mode {
                case .inputsOnly: return []
                case .collapsed:
                    idle = (idle?.first ?? tick.tick, tick.tick)
                    return []
                case .verbose: break
                }
            }
            var text = "tick \(tick.tick)  \(CLITime.timestamp(stored.recordedAt))  \(Hex.hash(tick.stateHash))  "
                + "\(tick.inputs.count) input\(tick.inputs.count == 1 ? "" : "s")"
            for (input, description) in zip(tick.inputs, inputDescriptions) {
                text += "\n        \(input.member) #\(input.sequence) \(description)"
            }
            return flush() + [text]
        }
    }

    /// The pending idle stretch, if any.
    mutating func finish() -> [String] {
        flush()
    }

    private mutating func flush() -> [String] {
        guard let stretch = idle else { return [] }
        idle = nil
        return [stretch.first == stretch.last ? "tick \(stretch.first): no input" : "ticks \(stretch.first)-\(stretch.last): no input"]
    }

    /// `summary: 832 ticks (790 without input), 95 inputs (bot-0 60, bot-1 35), 2 joined, 1 left; busiest tick 120 (4 inputs)`.
    var summary: String {
        var text = "summary: \(ticks) tick\(ticks == 1 ? "" : "s") (\(idleTicks) without input), \(inputs) input\(inputs == 1 ? "" : "s")"
        if !inputsByMember.isEmpty {
            let members = inputsByMember.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            let shown = members.prefix(8).map { "\($0.key) \($0.value)" }
            text += " (" + shown.joined(separator: ", ") + (members.count > 8 ? ", \(members.count - 8) more" : "") + ")"
        }
        for change in [MembershipEvent.Change.joined, .left, .away, .back] {
            if let count = changes[change] { text += ", \(count) \(change.rawValue)" }
        }
        if let busiest { text += "; busiest tick \(busiest.tick) (\(busiest.inputs) inputs)" }
        return text
    }
}
