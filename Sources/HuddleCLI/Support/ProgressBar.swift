import Foundation
import Synchronization

/// A one-line progress bar on the diagnostics (stderr), redrawn at most 10
/// times a second: `session 3 [######--------] 42% 1200/2850 ticks 5.1k/s 0:03 left`.
/// Workers may call it from any thread; its state lives in a `Mutex`.
/// Disabled (every call a no-op) unless stderr is a terminal or asked for.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    private let label: String
    private let unit: String
    private let output: CommandOutput
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    init(label: String, unit: String = "ticks", output: CommandOutput, enabled: Bool) {
        self.label = label
        self.unit = unit
        self.output = output
        self.enabled = enabled
    }

    func update(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        state.withLock { state in
            let now = ContinuousClock.now
            guard now - state.lastDraw >= .milliseconds(100) || done == total else { return }
            state.lastDraw = now
            let elapsed = now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            output.diagnostics("\r" + Self.line(label: label, unit: unit, done: done, total: total, seconds: seconds))
            state.drawn = true
        }
    }

    func finish() {
        state.withLock { state in
            guard state.drawn else { return }
            output.diagnostics("\n")
            state.drawn = false
        }
    }

    /// The bar's text after `seconds`: done/total, rate and time left.
    static func line(label: String, unit: String, done: UInt64, total: UInt64, seconds: Double) -> String {
        let fraction = total == 0 ? 1 : min(Double(done) / Double(total), 1)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total) \(unit)"
        if rate > 0 {
            text += " " + compact(rate) + "/s"
            let left = Double(total.subtractingReportingOverflow(done).overflow ? 0 : total - done) / rate
            text += " " + clock(left) + " left"
        }
        return text
    }

    /// `950`, `5.1k`, `2.3M`.
    static func compact(_ value: Double) -> String {
        if value >= 1e6 { return String(format: "%.1fM", value / 1e6) }
        if value >= 1e4 { return String(format: "%.0fk", value / 1e3) }
        if value >= 1e3 { return String(format: "%.1fk", value / 1e3) }
        return String(format: value >= 10 ? "%.0f" : "%.1f", value)
    }

    /// `0:07`, `12:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(min(seconds.rounded(.up), 359_999))
        if whole >= 3_600 { return String(format: "%d:%02d:%02d", whole / 3_600, whole / 60 % 60, whole % 60) }
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
