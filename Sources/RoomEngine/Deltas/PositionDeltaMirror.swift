/// The client side of delta streaming: applies received deltas to the
/// tables it holds and says which tick to acknowledge.
///
/// Clients (and the engine's own convergence tests) keep the tables of the
/// ticks they received, because the server computes each delta against the
/// newest tick the client acknowledged, which may be several ticks old when
/// acknowledgements were lost. Deltas older than the newest applied one are
/// ignored; they carry nothing new.
///
/// ```swift
/// var mirror = PositionDeltaMirror()
/// if let tick = try mirror.receive(bytes) { acknowledge(tick) }
/// mirror.table   // the server's table at mirror.tick
/// ```
public struct PositionDeltaMirror: Sendable {
    private var held: [(tick: UInt64, table: PositionTable)] = []
    private let historyLength: Int

    /// Creates an empty mirror keeping the tables of the last
    /// `historyLength` ticks it received.
    public init(historyLength: Int = 64) {
        precondition(historyLength > 0)
        self.historyLength = historyLength
    }

    /// The newest tick applied, if any.
    public var tick: UInt64? { held.last?.tick }

    /// The newest table (empty before anything was received).
    public var table: PositionTable { held.last?.table ?? PositionTable() }

    /// Starts from a snapshot's table (which the server treats as acked).
    public mutating func adopt(table: PositionTable, at tick: UInt64) {
        held.removeAll { $0.tick >= tick }
        held.append((tick, table))
        trim()
    }

    /// Applies one delta message. Returns the tick to acknowledge, or `nil`
    /// when the message is older than what the mirror already holds.
    /// Throws when the message is malformed or its baseline is not held.
    public mutating func receive(_ bytes: [UInt8]) throws(RoomError) -> UInt64? {
        let delta = try PositionDelta(decoding: bytes)
        if let newest = tick, delta.tick <= newest { return nil }
        let baseline: PositionTable
        if let baselineTick = delta.baselineTick {
            guard let held = held.last(where: { $0.tick == baselineTick }) else {
                throw .missingBaseline(tick: baselineTick)
            }
            baseline = held.table
        } else {
            baseline = PositionTable()
        }
        held.append((delta.tick, try delta.apply(to: baseline)))
        trim()
        return delta.tick
    }

    private mutating func trim() {
        if held.count > historyLength { held.removeFirst(held.count - historyLength) }
    }
}
