/// How `notepack.io` classifies a JavaScript number before writing it: an
/// integral, finite value is an integer (`2.0` is written `02`, `-0.0` is
/// `00`), anything else a float64.
///
/// One deliberate difference: notepack writes integral values beyond the
/// 64-bit ranges (`1e20`, `-1e19`) as corrupt uint64/int64 values; they are
/// float64 here, which every decoder reads back intact.
enum JavaScriptNumber {
    case unsigned(UInt64)
    case signed(Int64)
    case float(Double)

    init(_ value: Double) {
        // 2^64 and -2^63 are exact doubles, so the conversions below are exact.
        if value.rounded(.towardZero) == value, value.isFinite {
            if value >= 0, value < 18_446_744_073_709_551_616.0 {
                self = .unsigned(UInt64(value))
                return
            }
            if value < 0, value >= -9_223_372_036_854_775_808.0 {
                self = .signed(Int64(value))
                return
            }
        }
        self = .float(value)
    }
}

extension MessagePackValue {
    /// A JavaScript number as `notepack.io` encodes it: ``uint(_:)`` or
    /// ``int(_:)`` when integral and within the 64-bit ranges, otherwise
    /// ``float64(_:)``.
    ///
    /// Why: a peer written in JavaScript has one number type; matching its
    /// choice keeps bytes identical to a Node server's (`2.0` is `02`).
    ///
    /// ```swift
    /// MessagePackValue(javaScriptNumber: 2.0)   // .uint(2), encoded 02
    /// MessagePackValue(javaScriptNumber: 1.5)   // .float64(1.5)
    /// ```
    public init(javaScriptNumber value: Double) {
        switch JavaScriptNumber(value) {
        case .unsigned(let value): self = .uint(value)
        case .signed(let value): self = .int(value)
        case .float(let value): self = .float64(value)
        }
    }
}
