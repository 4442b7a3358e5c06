import ArgumentParser
import Logging
import RoomEngine
import SnapshotStore

/// `--log-level`: swift-log's levels by name; anything else is a usage error.
enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    /// The swift-log level.
    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}

/// `--status`: a recording's status by name.
enum StatusArgument: String, ExpressibleByArgument, CaseIterable {
    case live, ended, incomplete

    /// The store's status.
    var status: SessionStatus {
        switch self {
        case .live: .live
        case .ended: .ended
        case .incomplete: .incomplete
        }
    }
}

/// A date or an age on the command line (`--since`, `--until`):
/// `2025-01-31`, `2025-01-31T14:05[:09][Z]`, or `30m`, `2h`, `7d` ago.
struct DateArgument: ExpressibleByArgument {
    /// Microseconds since 1970 (UTC).
    let microseconds: Int64

    init?(argument: String) {
        guard let microseconds = CLITime.parse(argument) else { return nil }
        self.microseconds = microseconds
    }
}

/// A room kind named on the command line; whether this program has it is
/// checked against the catalog (``CLIContext/kinds``) where it matters.
struct KindArgument: ExpressibleByArgument {
    let kind: RoomKind

    init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        kind = RoomKind(argument)
    }

    init(_ kind: RoomKind) { self.kind = kind }

    var defaultValueDescription: String { kind.name }
}

/// How `export` emits states: the stored snapshots, none, or a
/// re-simulated state every N ticks.
enum StatesArgument: ExpressibleByArgument, Equatable {
    case stored
    case none
    case every(UInt64)

    init?(argument: String) {
        switch argument {
        case "stored": self = .stored
        case "none": self = .none
        default:
            guard let ticks = UInt64(argument), ticks > 0 else { return nil }
            self = .every(ticks)
        }
    }

    var defaultValueDescription: String {
        switch self {
        case .stored: "stored"
        case .none: "none"
        case .every(let ticks): String(ticks)
        }
    }
}

/// `--durability` of the synthesizer's recorder.
enum DurabilityArgument: String, ExpressibleByArgument, CaseIterable {
    /// fsync every commit (the recorder's default).
    case full
    /// Survive a crash, not a power loss.
    case normal
}

extension SessionSummary {
    /// The recording's length in game time, when this program has the kind.
    func logicalDuration(_ kinds: RoomKindCatalog) -> Int64? {
        guard let rate = kinds.entry(for: kind)?.rules.ticksPerSecond, rate > 0 else { return nil }
        return Int64(lastTick - startTick) * 1_000_000 / Int64(rate)
    }

    /// `ended`, `incomplete+gap`, …
    var statusText: String { status.rawValue + (gapFromTick == nil ? "" : "+gap") }
}

/// The catalog's kinds as a list for help texts: `whiteboard, arena`.
func kindList(_ kinds: [RoomKind]) -> String {
    kinds.isEmpty ? "none" : kinds.map(\.name).joined(separator: ", ")
}
