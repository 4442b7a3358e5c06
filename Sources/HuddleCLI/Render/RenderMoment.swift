import ArgumentParser
import Foundation

/// `--at TIME` of `huddle render`: how far into the session, in game time
/// (`90s`, `1m30s`, `2m`, `1h5m`, `12.5` seconds), or a wall-clock moment
/// (`2025-01-31T14:05:09Z`, the last tick recorded by then).
enum RenderMoment: ExpressibleByArgument, Equatable {
    /// Seconds of game time after the session's first tick.
    case offset(seconds: Double)
    /// Microseconds since 1970 (UTC).
    case wallClock(microseconds: Int64)

    init?(argument: String) {
        if let seconds = Self.seconds(argument) {
            self = .offset(seconds: seconds)
        } else if argument.contains("-"), let microseconds = CLITime.parse(argument) {
            self = .wallClock(microseconds: microseconds)
        } else {
            return nil
        }
    }

    /// `1h2m3.5s` → 3723.5; plain numbers are seconds; nil when not a duration.
    static func seconds(_ text: String) -> Double? {
        if let plain = Double(text), plain >= 0, plain.isFinite { return plain }
        var total = 0.0
        var digits = ""
        var units: [Character] = []
        for character in text {
            if character.isNumber || character == "." {
                digits.append(character)
                continue
            }
            guard let unit: Double = ["h": 3_600, "m": 60, "s": 1][character], let amount = Double(digits),
                  !units.contains(character) else { return nil }
            units.append(character)
            total += amount * unit
            digits = ""
        }
        guard digits.isEmpty, !units.isEmpty, total.isFinite else { return nil }
        return total
    }
}
