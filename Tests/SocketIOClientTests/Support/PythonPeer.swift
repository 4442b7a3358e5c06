import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// The python-socketio conformance server (shared/peers), as a child
/// process on a free port, for the duration of one test.
///
/// Needs `<package>/.venv-test` (Tools/test makes it; by hand:
/// `python3 -m venv .venv-test && .venv-test/bin/pip install -r Tests/Interop/requirements.txt`).
final class PythonPeer: Sendable {
    let port: Int
    private let process: Process

    var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // SocketIOClientTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts the peer and returns once it printed its `listening on` line.
    static func start(arguments: [String] = []) async throws -> PythonPeer {
        let python = packageRoot.appendingPathComponent(".venv-test/bin/python")
        let script = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/peers/py_conformance_server.py")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Missing(description: "\(python.path) is missing: run Tools/test, or python3 -m venv .venv-test && .venv-test/bin/pip install -r Tests/Interop/requirements.txt")
        }
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw Missing(description: "the python peer is not at \(script.path)")
        }
        let port = try await freePort()
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", orphanGuard, script.path, "--port", "\(port)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let peer = PythonPeer(port: port, process: process)
        let ready = try await readLine(from: output.fileHandleForReading, startingWith: "listening on")
        guard ready else {
            peer.stop()
            throw Missing(description: "the python peer exited before listening")
        }
        return peer
    }

    /// Kills the peer and reaps it. SIGKILL because the child may inherit a
    /// signal mask that blocks SIGTERM (and it needs no graceful exit);
    /// `waitpid` because `Process.waitUntilExit()` waits for a notification
    /// of the main run loop, which a test process does not run.
    func stop() {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// Runs the script given as first argument, exiting if this test
    /// process dies first (a crashed or killed test run leaves no server).
    private static let orphanGuard = """
        import os, runpy, sys, threading, time
        parent = os.getppid()
        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")
        """

    /// Asks the kernel for a port nobody listens on.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Reads lines (on a thread of its own: the read blocks) until one
    /// starts with `prefix` (true) or the output ends (false).
    private static func readLine(from handle: FileHandle, startingWith prefix: String) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return continuation.resume(returning: false) }
                    buffer.append(chunk)
                    let text = String(decoding: buffer, as: UTF8.self)
                    if text.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) {
                        return continuation.resume(returning: true)
                    }
                }
            }
        }
    }
}
