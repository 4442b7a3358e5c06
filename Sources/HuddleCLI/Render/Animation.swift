import Foundation

/// Animated WebP through `img2webp` (Debian package `webp`): PNG frames
/// in, one looping file out. No encoder of our own.
enum Animation {
    /// The encoder's path: `$HUDDLE_IMG2WEBP`, else `img2webp` on `$PATH`.
    static func encoder() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["HUDDLE_IMG2WEBP"], !explicit.isEmpty { return explicit }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/img2webp"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Milliseconds each frame shows: `every` ticks at `ticksPerSecond`,
    /// played `speed` times faster, at least 20 ms (what players honour).
    static func frameMilliseconds(every: UInt64, ticksPerSecond: Int, speed: Double) -> Int {
        let seconds = Double(every) / Double(max(ticksPerSecond, 1)) / max(speed, 1e-6)
        return max(20, Int(min(seconds * 1_000, 60_000).rounded()))
    }

    /// Encodes `frames` (PNG files in `folder`, in order) into a looping
    /// WebP at `path`, each frame shown `milliseconds`. The arguments go
    /// through a file (img2webp reads one), so thousands of frames fit.
    static func writeWebP(frames: [String], in folder: URL, milliseconds: Int, to path: String) throws {
        guard let encoder = encoder() else {
            throw RasterImage.Failure(description: "animations need img2webp (Debian: apt-get install webp); write --frames instead")
        }
        let output = folder.appendingPathComponent("animation.webp")
        let arguments = ["-loop", "0", "-lossy", "-q", "80", "-d", String(milliseconds)] + frames.map { folder.appendingPathComponent($0).path }
            + ["-o", output.path]
        let list = folder.appendingPathComponent("arguments.txt")
        try Data(arguments.joined(separator: "\n").utf8).write(to: list)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: encoder)
        process.arguments = [list.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message.suffix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw RasterImage.Failure(description: "img2webp failed (exit \(process.terminationStatus)): \(text)")
        }
        let target = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: output, to: target)
    }
}
