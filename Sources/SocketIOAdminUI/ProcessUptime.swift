#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long this process has run (upstream's `process.uptime()`): on
/// Linux from `/proc` (the system's uptime less the process's start), read
/// once; elsewhere, or if `/proc` cannot be read, from the first use.
struct ProcessUptime: Sendable {
    private let ageAtStart: Double
    private let start = ContinuousClock.now

    init() {
        ageAtStart = Self.processAge() ?? 0
    }

    /// Seconds since the process started.
    var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return ageAtStart + Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The system's uptime less the process's start time, both from /proc.
    static func processAge() -> Double? {
        #if os(Linux)
        guard let uptime = read("/proc/uptime")?.split(separator: " ").first.flatMap({ Double($0) }),
              let stat = read("/proc/self/stat"),
              let closing = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces): state is
        // field 3, starttime field 22, so the 20th after the parenthesis.
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 19, let started = Double(fields[19]), ticks > 0 else { return nil }
        return max(0, uptime - started / ticks)
        #else
        return nil
        #endif
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
