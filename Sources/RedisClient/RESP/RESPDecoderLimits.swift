/// Bounds on what the decoder accepts, so a broken or hostile peer cannot make
/// the client allocate without limit. A value over a bound is a
/// ``RedisError/protocolError(_:)`` and the connection is closed.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://cache:6379")
/// configuration.decoderLimits.maxBulkLength = 64 * 1024 * 1024
/// ```
public struct RESPDecoderLimits: Sendable, Hashable {
    /// The longest bulk string, simple string or error line in bytes
    /// (Redis's own `proto-max-bulk-len` defaults to 512 MiB).
    public var maxBulkLength: Int
    /// The most elements of one array (a map counts two per entry).
    public var maxArrayCount: Int
    /// How deep arrays may nest: a top-level array is depth 1.
    public var maxDepth: Int

    /// Limits; the defaults match Redis's (512 MiB, 1,048,576 elements, 32 levels).
    public init(maxBulkLength: Int = 512 * 1024 * 1024, maxArrayCount: Int = 1_048_576, maxDepth: Int = 32) {
        self.maxBulkLength = maxBulkLength
        self.maxArrayCount = maxArrayCount
        self.maxDepth = maxDepth
    }

    /// 512 MiB bulk strings, 1,048,576 elements per array, 32 levels.
    public static let `default` = RESPDecoderLimits()
}
