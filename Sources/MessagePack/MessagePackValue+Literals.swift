import NIOCore

// Literal conformances so values read like the documents they encode:
//
//     let value: MessagePackValue = ["type": 2, "data": ["hi", 1.5, nil], "nsp": "/"]

extension MessagePackValue: ExpressibleByNilLiteral {
    /// `nil` in a literal is MessagePack ``nil``.
    public init(nilLiteral: ()) {
        self = .nil
    }
}

extension MessagePackValue: ExpressibleByBooleanLiteral {
    /// `true` / `false`.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension MessagePackValue: ExpressibleByIntegerLiteral {
    /// An integer literal becomes ``int(_:)``.
    public init(integerLiteral value: Int64) {
        self = .int(value)
    }
}

extension MessagePackValue: ExpressibleByFloatLiteral {
    /// A floating-point literal becomes ``float64(_:)``.
    public init(floatLiteral value: Double) {
        self = .float64(value)
    }
}

extension MessagePackValue: ExpressibleByStringLiteral {
    /// A string literal becomes ``string(_:)``.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension MessagePackValue: ExpressibleByArrayLiteral {
    /// An array literal becomes ``array(_:)``.
    public init(arrayLiteral elements: MessagePackValue...) {
        self = .array(elements)
    }
}

extension MessagePackValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal becomes ``map(_:)`` with its entries in the order
    /// written (repeated keys are kept, as on the wire).
    public init(dictionaryLiteral elements: (MessagePackValue, MessagePackValue)...) {
        self = .map(elements.map { MessagePackMapEntry(key: $0.0, value: $0.1) })
    }
}

extension MessagePackValue: CustomStringConvertible {
    /// A compact, JSON-like rendering for logs and test failures: binary and
    /// extension bytes are shown in hex (`<01 02>`, `ext(-1, <...>)`).
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .uint(let value): return String(value)
        case .float32(let value): return "\(value)f"
        case .float64(let value): return "\(value)"
        case .string(let value): return "\"\(value)\""
        case .binary(let bytes): return Self.hex(bytes)
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\($0.key.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        case .ext(let type, let data): return "ext(\(type), \(Self.hex(data)))"
        }
    }

    private static func hex(_ bytes: ByteBuffer) -> String {
        let digits = bytes.readableBytesView.map { byte -> String in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }
        return "<" + digits.joined(separator: " ") + ">"
    }
}
