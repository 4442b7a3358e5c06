/// The query of a request URI, percent-decoded, as name/value pairs in order.
///
/// Engine.IO reads `EIO`, `transport` and `sid` from it and Socket.IO hands
/// the rest to the application (`socket.handshake.query`).
///
/// ```swift
/// let query = QueryString(uri: "/engine.io/?EIO=4&transport=polling&t=N8hyd6w")
/// query["transport"]   // "polling"
/// ```
public struct QueryString: Sendable, Hashable {
    /// The pairs in the order they appear; a name without `=` has an empty value.
    public var pairs: [(name: String, value: String)] {
        zip(names, values).map { ($0, $1) }
    }

    private var names: [String]
    private var values: [String]

    /// The path part of `uri` (before `?`), not decoded.
    public let path: Substring.UTF8View.SubSequence

    /// Parses the query of a request URI (everything after the first `?`).
    public init(uri: String) {
        let utf8 = uri.utf8
        let question = utf8.firstIndex(of: UInt8(ascii: "?"))
        path = utf8[..<(question ?? utf8.endIndex)]
        names = []
        values = []
        guard let question else { return }
        let query = utf8[utf8.index(after: question)...]
        for part in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                names.append(Self.decode(part[..<equals]))
                values.append(Self.decode(part[part.index(after: equals)...]))
            } else {
                names.append(Self.decode(part))
                values.append("")
            }
        }
    }

    /// The first value named `name`, or nil.
    public subscript(name: String) -> String? {
        guard let index = names.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// Percent-decoding with `+` as a space (form encoding, as Node's
    /// querystring module reads it); a malformed escape is kept as is.
    static func decode(_ bytes: Substring.UTF8View.SubSequence) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                      let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), high < bytes.endIndex,
                      let low = bytes.index(high, offsetBy: 1, limitedBy: bytes.endIndex), low < bytes.endIndex,
                      let h = hexValue(bytes[high]), let l = hexValue(bytes[low]) {
                out.append(h << 4 | l)
                index = low
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    public static func == (lhs: QueryString, rhs: QueryString) -> Bool {
        lhs.names == rhs.names && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(values)
    }
}
