public import NIOCore

/// The timestamp extension (type -1) of the MessagePack specification:
/// seconds since 1970-01-01T00:00:00Z and nanoseconds.
///
/// Why here: `notepack.io` 3.x sends a JavaScript `Date` as this extension
/// (2.x used a private one), so a peer of the Node Redis adapter meets it in
/// ordinary payloads. Decoding accepts the three sizes (timestamp 32, 64 and
/// 96); encoding picks the smallest that holds the value, as the
/// specification says.
///
/// ```swift
/// if case .ext(let type, let data) = value, let time = MessagePackTimestamp(extType: type, data: data) {
///     print(time.millisecondsSince1970)
/// }
/// let now = MessagePackTimestamp(seconds: 1_700_000_000, nanoseconds: 0).value   // d6 ff 65 53 f1 00
/// ```
public struct MessagePackTimestamp: Sendable, Hashable {
    /// The extension type the specification reserves for timestamps.
    public static let extensionType: Int8 = -1

    /// Whole seconds since the Unix epoch (negative before 1970).
    public var seconds: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanoseconds: UInt32

    /// Creates a timestamp.
    ///
    /// - Precondition: `nanoseconds < 1_000_000_000`.
    public init(seconds: Int64, nanoseconds: UInt32) {
        precondition(nanoseconds < 1_000_000_000, "nanoseconds must be below one second")
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Reads an extension value; `nil` when `type` is not -1, the size is not
    /// 4, 8 or 12 bytes, or the nanoseconds are out of range.
    public init?(extType type: Int8, data: ByteBuffer) {
        guard type == Self.extensionType else { return nil }
        var data = data
        switch data.readableBytes {
        case 4:
            guard let seconds = data.readInteger(as: UInt32.self) else { return nil }
            self.seconds = Int64(seconds)
            self.nanoseconds = 0
        case 8:
            guard let packed = data.readInteger(as: UInt64.self) else { return nil }
            self.nanoseconds = UInt32(packed >> 34)
            self.seconds = Int64(packed & 0x3_FFFF_FFFF)
        case 12:
            guard let nanoseconds = data.readInteger(as: UInt32.self),
                  let seconds = data.readInteger(as: Int64.self) else { return nil }
            self.nanoseconds = nanoseconds
            self.seconds = seconds
        default:
            return nil
        }
        guard self.nanoseconds < 1_000_000_000 else { return nil }
    }

    /// Reads a value that is a timestamp extension; `nil` for anything else.
    public init?(_ value: MessagePackValue) {
        guard case .ext(let type, let data) = value else { return nil }
        self.init(extType: type, data: data)
    }

    /// Milliseconds since the epoch, truncated toward zero as a JavaScript
    /// `Date` built from the timestamp holds them; `nil` when that overflows
    /// `Int64`.
    public var millisecondsSince1970: Int64? {
        let (milliseconds, overflow) = self.seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return nil }
        var (total, overflowAgain) = milliseconds.addingReportingOverflow(Int64(self.nanoseconds / 1_000_000))
        guard !overflowAgain else { return nil }
        // Before 1970 a sub-millisecond fraction rounds up (toward zero).
        if total < 0, self.nanoseconds % 1_000_000 != 0 { total += 1 }
        return total
    }

    /// The extension value, in the smallest of the three sizes.
    public var value: MessagePackValue {
        var data = ByteBuffer()
        if self.seconds >= 0, self.seconds <= 0x3_FFFF_FFFF {
            if self.nanoseconds == 0, self.seconds <= Int64(UInt32.max) {
                data.writeInteger(UInt32(self.seconds))
            } else {
                data.writeInteger(UInt64(self.nanoseconds) << 34 | UInt64(self.seconds))
            }
        } else {
            data.writeInteger(self.nanoseconds)
            data.writeInteger(self.seconds)
        }
        return .ext(type: Self.extensionType, data: data)
    }
}
