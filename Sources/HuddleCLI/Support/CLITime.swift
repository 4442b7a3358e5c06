import Foundation

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
