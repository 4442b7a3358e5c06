import ArgumentParser
import Foundation
import RoomEngine
import SQLiteSnapshotStore
import SnapshotStore

/// `--db PATH`, shared by every command that reads a session store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The session store file.", valueName: "path"))
    var db = "huddle.sqlite"

    /// Opens the store read-only.
    func open() throws(SnapshotStoreError) -> any SessionStore {
        try SQLiteSessionStore.open(path: db)
    }
}

/// The one place where failures become messages and exit codes.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | verification failed: a tick diverges, or the recording does not replay |
/// | 2 | the recording has a gap (the queue overflowed); verified up to it |
/// | 3 | no such session |
/// | 4 | the store cannot be used: missing, not a store, damaged, newer schema, in use |
/// | 5 | the session's room kind or logic version is not in this build |
/// | 6 | any other I/O error |
/// | 64 | bad command line (ArgumentParser's usage errors) |
enum CLIExit {
    static let diverged: Int32 = 1
    static let gap: Int32 = 2
    static let unknownSession: Int32 = 3
    static let badStore: Int32 = 4
    static let unsupportedLogic: Int32 = 5
    static let io: Int32 = 6

    /// The exit code for a store error.
    static func code(for error: SnapshotStoreError) -> Int32 {
        switch error {
        case .diverged, .replayFailed, .corruptRecord: diverged
        case .unknownSession: unknownSession
        case .storeMissing, .notAStore, .corruptStore, .incompatibleSchema, .storeInUse: badStore
        case .unsupportedLogic: unsupportedLogic
        case .io: io
        }
    }

    /// Runs a command body: store errors are printed as `huddle: error: …`
    /// on stderr and turned into their exit code; usage errors go on to
    /// ArgumentParser (exit 64); anything else is an I/O error (exit 6).
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SnapshotStoreError {
            CLIOutput.error(error.description)
            throw ExitCode(code(for: error))
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            // Anything else (writing the output, encoding JSON) is an I/O error,
            // never ArgumentParser's generic 1, which means "diverged" here.
            CLIOutput.error("\(error)")
            throw ExitCode(io)
        }
    }
}

/// Printing for the tools: results on stdout, diagnostics on stderr.
enum CLIOutput {
    /// One line on stderr, prefixed like ArgumentParser's own errors.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("huddle: error: \(message)\n".utf8))
    }

    /// One line on stderr.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Whether stderr is a terminal (progress bars only go there).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

/// Times and durations as the tools print and parse them (UTC).
enum CLITime {
    /// `2025-01-31 14:05:09Z`.
    static func timestamp(_ microseconds: Int64) -> String {
        let (date, time, _) = components(microseconds)
        return "\(date) \(time)Z"
    }

    /// ISO 8601 with milliseconds, for JSON: `2025-01-31T14:05:09.123Z`.
    static func iso(_ microseconds: Int64) -> String {
        let (date, time, millis) = components(microseconds)
        return "\(date)T\(time).\(pad(millis, 3))Z"
    }

    /// UTC date, time of day and milliseconds (gmtime_r: no formatter per call).
    private static func components(_ microseconds: Int64) -> (String, String, Int) {
        let floored = microseconds >= 0 ? microseconds : microseconds - 999_999
        var seconds = time_t(floored / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
        let time = "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        return (date, time, Int((microseconds - floored / 1_000_000 * 1_000_000) / 1_000))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `1h02m03s`, `4m05s`, `6.7s`.
    static func duration(microseconds: Int64) -> String {
        let seconds = Double(microseconds) / 1_000_000
        let whole = Int(seconds)
        if whole >= 3600 { return String(format: "%dh%02dm%02ds", whole / 3600, whole / 60 % 60, whole % 60) }
        if whole >= 60 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%.1fs", seconds)
    }

    /// Parses `2025-01-31`, `2025-01-31T14:05[:09][Z]`, or a relative age
    /// such as `30m`, `2h`, `7d` (that long ago), into µs since 1970.
    static func parse(_ text: String, now: Date = Date()) -> Int64? {
        if let last = text.last, "smhd".contains(last), let amount = Double(text.dropLast()), amount >= 0 {
            let unit: Double = ["s": 1, "m": 60, "h": 3600, "d": 86_400][String(last)] ?? 1
            return Int64((now.timeIntervalSince1970 - amount * unit) * 1_000_000)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssXXXXX",
                       "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1_000_000) }
        }
        return nil
    }
}

/// A session id argument: a positive decimal row id.
struct SessionArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The session id (see `huddle sessions`).", valueName: "id"))
    var id: Int64

    var session: RecordedSessionID { RecordedSessionID(id) }

    func validate() throws {
        guard id > 0 else { throw ValidationError("a session id is a positive number") }
    }
}

extension SessionSummary {
    /// The recording's length in game time, when the kind's rate is known.
    func logicalDuration(_ kinds: RoomKindCatalog) -> Int64? {
        guard let rate = kinds.entry(for: kind)?.rules.ticksPerSecond, rate > 0 else { return nil }
        return Int64(lastTick - startTick) * 1_000_000 / Int64(rate)
    }
}
