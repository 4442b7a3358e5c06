extension MessagePackValue: Hashable {
    /// Structural equality, with integers compared by value: `.int(5)` equals
    /// `.uint(5)` (the encoder writes them identically). Floats follow IEEE
    /// rules (`nan != nan`) and never equal an integer or a float of the
    /// other width; maps compare entry by entry, in order.
    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): return a >= 0 && UInt64(a) == b
        case (.float32(let a), .float32(let b)): return a == b
        case (.float64(let a), .float64(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.binary(let a), .binary(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        case (.ext(let typeA, let dataA), .ext(let typeB, let dataB)): return typeA == typeB && dataA == dataB
        default: return false
        }
    }

    /// Hashes consistently with ``==(_:_:)`` (an integer hashes the same
    /// whichever case holds it).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .int(let value):
            if value >= 0 {
                hasher.combine(2 as UInt8)
                hasher.combine(UInt64(value))
            } else {
                hasher.combine(3 as UInt8)
                hasher.combine(value)
            }
        case .uint(let value):
            hasher.combine(2 as UInt8)
            hasher.combine(value)
        case .float32(let value):
            hasher.combine(4 as UInt8)
            hasher.combine(value)
        case .float64(let value):
            hasher.combine(5 as UInt8)
            hasher.combine(value)
        case .string(let value):
            hasher.combine(6 as UInt8)
            hasher.combine(value)
        case .binary(let value):
            hasher.combine(7 as UInt8)
            hasher.combine(value)
        case .array(let value):
            hasher.combine(8 as UInt8)
            hasher.combine(value)
        case .map(let value):
            hasher.combine(9 as UInt8)
            hasher.combine(value)
        case .ext(let type, let data):
            hasher.combine(10 as UInt8)
            hasher.combine(type)
            hasher.combine(data)
        }
    }
}
