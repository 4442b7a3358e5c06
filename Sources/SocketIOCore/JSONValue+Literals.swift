// Literal conformances so payloads read like the JSON they become:
//
//     let payload: JSONValue = ["chat", ["text": "hi", "at": 1700000000, "urgent": false], nil]

extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` in a literal is the JSON `null` (not "absent").
    @inlinable
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// `true` / `false`.
    @inlinable
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal becomes ``int(_:)``.
    @inlinable
    public init(integerLiteral value: Int64) {
        self = .int(value)
    }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// A floating-point literal becomes ``double(_:)`` (even `1.0`).
    @inlinable
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal becomes ``string(_:)``.
    @inlinable
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal becomes ``array(_:)``.
    @inlinable
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal becomes an ``object(_:)`` that keeps the literal's
    /// key order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
