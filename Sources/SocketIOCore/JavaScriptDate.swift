/// `Date.prototype.toISOString` for a count of milliseconds, which is how a
/// Date received from a Node peer reaches clients through JSON
/// (`2024-01-02T03:04:05.678Z`), and how the Admin UI's timestamps are
/// written. Package-wide: the msgpack parser and the Admin UI share it.
package enum JavaScriptDate {
    /// The largest distance from the epoch a JavaScript Date can hold.
    package static let maximumMilliseconds: Int64 = 8_640_000_000_000_000

    /// The ISO string, or `nil` for an Invalid Date (beyond ±8.64e15 ms),
    /// which `JSON.stringify` writes as `null`.
    package static func isoString(millisecondsSince1970 milliseconds: Int64) -> String? {
        guard milliseconds >= -maximumMilliseconds, milliseconds <= maximumMilliseconds else { return nil }
        let millisecondsPerDay: Int64 = 86_400_000
        var days = milliseconds / millisecondsPerDay
        var remainder = milliseconds % millisecondsPerDay
        if remainder < 0 {
            days -= 1
            remainder += millisecondsPerDay
        }
        let (year, month, day) = civilDate(daysSince1970: days)
        let hours = remainder / 3_600_000
        let minutes = remainder / 60_000 % 60
        let seconds = remainder / 1000 % 60
        let millis = remainder % 1000
        let yearText: String
        if year >= 0, year <= 9999 {
            yearText = padded(year, 4)
        } else {
            yearText = (year < 0 ? "-" : "+") + padded(abs(year), 6)
        }
        return "\(yearText)-\(padded(month, 2))-\(padded(day, 2))T\(padded(hours, 2)):\(padded(minutes, 2)):\(padded(seconds, 2)).\(padded(millis, 3))Z"
    }

    /// Year, month (1-12) and day (1-31) of the proleptic Gregorian
    /// calendar (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
