import Foundation

/// An upstream Node.js Socket.IO server with the upstream classic Redis
/// adapter, started as `node SCRIPT PORT REDIS_PORT` (the script named by
/// `HUDDLE_NODE_PEER`; see docs/cluster.md, "What is proven"). It serves the
/// conformance contract plus two hooks: `node-fetch` acks with the ids of
/// `fetchSockets()`, `node-server-side-ping` acks with the answers to
/// `serverSideEmit("ping")`; and it answers a server-side `ping` with
/// `pong-node`.
final class NodePeerProcess: @unchecked Sendable {
    let url: String
    private let process: Process

    /// The script, when this machine has one.
    static var script: String? { ProcessInfo.processInfo.environment["HUDDLE_NODE_PEER"] }

    init(script: String, redisPort: Int) async throws {
        let port = try await RedisProcess.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", script, "\(port)", "\(redisPort)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Its one line when it listens (blocking read, off the cooperative pool).
        let line = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while let byte = try? output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { bytes.append(byte) }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("listening on ") else { throw ClusterTestError.timedOut("the node peer: \(line)") }
        url = String(line.dropFirst("listening on ".count))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
