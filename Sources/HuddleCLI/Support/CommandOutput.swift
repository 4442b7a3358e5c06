import Foundation

/// Where a command's output goes: results (tables, timelines, JSON lines)
/// and diagnostics (errors, notes, progress). The `huddle` executable uses
/// stdout and stderr; tests capture both.
///
/// ```swift
/// let lines = Mutex<[String]>([])
/// let output = CommandOutput(results: { text in lines.withLock { $0.append(text) } }, diagnostics: { _ in })
/// _ = await HuddleCommand.run(["sessions", "--db", path], kinds: .builtIn, output: output)
/// ```
public struct CommandOutput: Sendable {
    private let writeResults: @Sendable (String) -> Void
    private let writeDiagnostics: @Sendable (String) -> Void
    /// Whether diagnostics reach a terminal (progress bars are drawn only there).
    public let diagnosticsAreTerminal: Bool

    /// Output to two sinks; each call gets whole lines, newline included.
    public init(
        results: @escaping @Sendable (String) -> Void,
        diagnostics: @escaping @Sendable (String) -> Void,
        diagnosticsAreTerminal: Bool = false
    ) {
        self.writeResults = results
        self.writeDiagnostics = diagnostics
        self.diagnosticsAreTerminal = diagnosticsAreTerminal
    }

    /// stdout and stderr, unbuffered (a line is out when the call returns).
    public static let standard = CommandOutput(
        results: { FileHandle.standardOutput.write(Data($0.utf8)) },
        diagnostics: { FileHandle.standardError.write(Data($0.utf8)) },
        diagnosticsAreTerminal: isatty(STDERR_FILENO) == 1
    )

    /// One line of results.
    func result(_ line: String) {
        writeResults(line + "\n")
    }

    /// Result text as it is (already made of whole lines).
    func results(_ text: String) {
        writeResults(text)
    }

    /// One line of diagnostics.
    func diagnostic(_ line: String) {
        writeDiagnostics(line + "\n")
    }

    /// Diagnostic text as it is (a progress bar redraws its line with `\r`).
    func diagnostics(_ text: String) {
        writeDiagnostics(text)
    }

    /// A failure, prefixed like ArgumentParser's own errors.
    func error(_ message: String) {
        diagnostic("huddle: error: \(message)")
    }
}
