import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `huddle serve` (or `counter-huddle serve`, the same command line
/// with the counter kind) in a child process on 127.0.0.1: started on
/// port 0 (or a given port, to restart a server where clients expect it),
/// ready once it printed its `listening on` line.
///
/// The binaries are the ones `swift build` put next to the test bundle
/// (or in `HUDDLE_BIN_DIR`). The server runs under a small `sh` wrapper
/// that kills it when its standard input closes: when ``stop()`` closes it,
/// or when this test process dies, so a crashed run leaves no server behind.
final class HuddleServer: Sendable {
    let port: Int
    private let wrapper: Process
    private let stdin: FileHandle

    var url: String { "http://127.0.0.1:\(port)" }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private init(port: Int, wrapper: Process, stdin: FileHandle) {
        self.port = port
        self.wrapper = wrapper
        self.stdin = stdin
    }

    /// The server's binary directory: `HUDDLE_BIN_DIR`, else the test bundle's.
    static var binDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["HUDDLE_BIN_DIR"] {
            return URL(fileURLWithPath: directory)
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
    }

    /// Kills the server (SIGKILL: the kernel closes its connections at once)
    /// when the wrapper's standard input ends.
    private static let wrapperScript = """
        "$@" &
        child=$!
        cat >/dev/null
        kill -KILL "$child" 2>/dev/null
        wait "$child"
        """

    /// Starts `binary serve --port PORT --no-record` (then `arguments`) and returns once it listens.
    static func start(_ binary: String = "huddle", port: Int = 0, arguments: [String] = []) async throws -> HuddleServer {
        let executable = binDirectory.appendingPathComponent(binary)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "\(executable.path) is missing: run swift build --build-tests first")
        }
        let wrapper = Process()
        wrapper.executableURL = URL(fileURLWithPath: "/bin/sh")
        wrapper.arguments = [
            "-c", wrapperScript, "sh", executable.path,
            "serve", "--port", "\(port)", "--no-record", "--log-level", "error",
        ] + arguments
        let input = Pipe()
        let output = Pipe()
        wrapper.standardInput = input
        wrapper.standardOutput = output
        wrapper.standardError = FileHandle.nullDevice
        try wrapper.run()
        guard let line = await firstLine(of: output.fileHandleForReading, startingWith: "listening on http://"),
              let bound = line.split(separator: ":").last.flatMap({ Int($0) })
        else {
            let server = HuddleServer(port: port, wrapper: wrapper, stdin: input.fileHandleForWriting)
            server.stop()
            throw Failure(description: "\(binary) serve exited before listening")
        }
        return HuddleServer(port: bound, wrapper: wrapper, stdin: input.fileHandleForWriting)
    }

    /// Stops the server and waits until it is gone (its port is free then).
    func stop() {
        try? stdin.close()
        let pid = wrapper.processIdentifier
        guard pid > 0 else { return }
        var status: Int32 = 0
        // `waitpid`, not `waitUntilExit()`: the latter waits for a run loop
        // notification that a test process does not deliver.
        _ = waitpid(pid, &status, 0)
    }

    /// Reads lines on a thread of its own (the reads block) until one
    /// starts with `prefix`, then keeps draining the output until it ends,
    /// so that the server never blocks on a full pipe.
    private static func firstLine(of handle: FileHandle, startingWith prefix: String) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                var found = false
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    guard !found else { continue }
                    buffer.append(chunk)
                    let text = String(decoding: buffer, as: UTF8.self)
                    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                        found = true
                        continuation.resume(returning: String(line))
                    }
                }
                if !found { continuation.resume(returning: nil) }
            }
        }
    }
}
