public import SocketIOCore

/// Whether two JSON values mean the same: as `==`, except that a number is
/// a number (`-3e10` parsed as a double prints as `-30000000000`, which
/// parses back as an integer: JSON has one number type), and a number too
/// large for a double (`1e400`, infinite once parsed) serializes as `null`,
/// as JavaScript's `JSON.stringify(Infinity)` does.
///
/// ```swift
/// sameJSON(.double(2), .int(2))   // true
/// ```
public func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.double(let double), .null), (.null, .double(let double)):
        return !double.isFinite
    case (.int(let integer), .double(let double)), (.double(let double), .int(let integer)):
        return Double(integer) == double
    case (.array(let left), .array(let right)):
        return left.count == right.count && zip(left, right).allSatisfy { sameJSON($0, $1) }
    case (.object(let left), .object(let right)):
        return left.keys == right.keys && left.keys.allSatisfy { key in
            guard let x = left[key], let y = right[key] else { return false }
            return sameJSON(x, y)
        }
    default:
        return a == b
    }
}

/// Whether `value` holds a number past a double's range (`1e400`): it
/// re-encodes as `null`, as in JavaScript, so it has no round trip.
public func hasNonFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .double(let number): !number.isFinite
    case .array(let elements): elements.contains(where: hasNonFinite)
    case .object(let object): object.contains { hasNonFinite($0.value) }
    default: false
    }
}
