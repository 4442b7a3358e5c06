import Synchronization

/// A one-line progress bar on the diagnostics (stderr), redrawn at most 10 times a second.
/// Verification workers call it; its state lives in a `Mutex`.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    private let label: String
    private let output: CommandOutput
    private let enabled: Bool
    private let state = Mutex(State())

    init(label: String, output: CommandOutput, enabled: Bool) {
        self.label = label
        self.output = output
        self.enabled = enabled
    }

    func update(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        state.withLock { state in
            guard ContinuousClock.now - state.lastDraw >= .milliseconds(100) || done == total else { return }
            state.lastDraw = ContinuousClock.now
            let fraction = total == 0 ? 1 : Double(done) / Double(total)
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            output.diagnostics("\r\(label) [\(bar)] \(Int(fraction * 100))% tick \(done)/\(total)")
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
}
