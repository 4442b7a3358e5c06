#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import SocketIOCore

/// Wall-clock times as the dashboard reads them: a JavaScript `Date` as
/// JSON, ISO-8601 in UTC with milliseconds (`2024-05-01T10:11:12.345Z`).
enum AdminTimestamp {
    /// Milliseconds since 1970 now.
    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Seconds since 1970 now (cheap: the per-second buckets of the stats).
    static func nowSeconds() -> Int64 {
        Int64(time(nil))
    }

    /// `milliseconds` since 1970 as `YYYY-MM-DDTHH:MM:SS.mmmZ`
    /// (`Date.prototype.toISOString`; a wall clock is always within its range).
    static func iso8601(milliseconds: Int64) -> String {
        JavaScriptDate.isoString(millisecondsSince1970: milliseconds) ?? "1970-01-01T00:00:00.000Z"
    }

    /// Now, as the dashboard reads it.
    static func now() -> String { iso8601(milliseconds: nowMilliseconds()) }
}
