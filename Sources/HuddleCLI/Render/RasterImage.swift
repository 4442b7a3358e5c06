import Foundation

/// PNG output through `rsvg-convert` (librsvg; Debian package
/// `librsvg2-bin`): the SVG is written next to the PNG, converted, and
/// removed. No rasterizer of our own.
enum RasterImage {
    /// Why a PNG could not be made.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The converter's path: `$HUDDLE_RSVG_CONVERT`, else `rsvg-convert` on `$PATH`.
    static func converter() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["HUDDLE_RSVG_CONVERT"], !explicit.isEmpty { return explicit }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Writes `svg` as a PNG at `path`, `width` pixels wide (default: the picture's own size).
    static func writePNG(_ svg: String, to path: String, width: Int? = nil) throws {
        guard let converter = converter() else {
            throw Failure(description: "PNG output needs rsvg-convert (Debian: apt-get install librsvg2-bin); write .svg instead")
        }
        let target = URL(fileURLWithPath: path)
        let source = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).svg")
        try Data(svg.utf8).write(to: source)
        defer { try? FileManager.default.removeItem(at: source) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        process.arguments = ["--format", "png", "--output", target.path] + (width.map { ["--width", String($0)] } ?? []) + [source.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message.prefix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "rsvg-convert failed (exit \(process.terminationStatus)): \(text)")
        }
    }
}
