/// A JSON object that remembers the order in which keys were inserted.
///
/// JavaScript objects enumerate string keys in insertion order and
/// `JSON.stringify` writes them in that order, so a server that re-emits a
/// client's object must not shuffle it. A Swift `Dictionary` would; this type
/// keeps its entries in one array and looks keys up linearly while the object
/// is small (the common case for event payloads), switching to a hash index
/// once it grows past ``indexThreshold`` entries.
///
/// Inserting an existing key replaces its value in place (the key keeps its
/// original position), which is also what `JSON.parse` does with duplicate keys.
///
/// ```swift
/// var object: JSONObject = ["b": 1, "a": 2]
/// object["c"] = "three"
/// object.keys            // ["b", "a", "c"]
/// object["a"] = nil      // removes "a"
/// for (key, value) in object { print(key, value) }
/// ```
public struct JSONObject: Sendable {
    /// The number of entries from which lookups use a hash index instead of
    /// a linear scan.
    public static let indexThreshold = 16

    /// One key-value pair. A single array of entries costs one allocation
    /// per object (parallel arrays would cost two).
    struct Entry: Sendable, Hashable {
        var key: String
        var value: JSONValue
    }

    /// The entries in insertion order (values are rewritten in place by the
    /// packet decoder; keys never move without `removeValue`).
    var entries: [Entry]
    /// Position of each key; only maintained once `count > indexThreshold`.
    private var index: [String: Int]?

    /// Creates an empty object.
    public init() {
        self.entries = []
        self.index = nil
    }

    /// Creates an empty object with room for `minimumCapacity` entries.
    public init(minimumCapacity: Int) {
        self.init()
        self.entries.reserveCapacity(minimumCapacity)
    }

    /// Creates an object from key-value pairs in order; a repeated key keeps
    /// its first position and its last value.
    public init(_ entries: some Sequence<(String, JSONValue)>) {
        self.init(minimumCapacity: entries.underestimatedCount)
        for (key, value) in entries {
            self.updateValue(value, forKey: key)
        }
    }

    /// Adopts entries collected by the parser. A repeated key keeps its first
    /// position and its last value, like `JSON.parse`; the common
    /// duplicate-free case costs no extra copy.
    init(collectedEntries entries: [Entry]) {
        self.entries = entries
        self.index = nil
        if entries.count > Self.indexThreshold {
            var index = [String: Int](minimumCapacity: entries.count)
            for position in entries.indices {
                if index.updateValue(position, forKey: entries[position].key) != nil {
                    self = JSONObject(entries.lazy.map { ($0.key, $0.value) })
                    return
                }
            }
            self.index = index
        } else if entries.count > 1 {
            for later in 1..<entries.count {
                for earlier in 0..<later where entries[earlier].key == entries[later].key {
                    self = JSONObject(entries.lazy.map { ($0.key, $0.value) })
                    return
                }
            }
        }
    }

    /// The keys in insertion order (a new array; iterate the object itself
    /// to avoid the copy).
    public var keys: [String] { self.entries.map(\.key) }

    /// The values in insertion order (a new array).
    public var values: [JSONValue] { self.entries.map(\.value) }

    /// The position of `key`, or `nil` when it is absent.
    public func index(forKey key: String) -> Int? {
        if let index = self.index {
            return index[key]
        }
        return self.entries.firstIndex { $0.key == key }
    }

    /// The value stored for `key`; `nil` means absent, `.null` means `null`.
    ///
    /// Assigning `nil` removes the key; assigning a value replaces it in place
    /// or appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = self.index(forKey: key) else { return nil }
            return self.entries[position].value
        }
        set {
            if let newValue {
                self.updateValue(newValue, forKey: key)
            } else {
                self.removeValue(forKey: key)
            }
        }
    }

    /// Stores `value` for `key` and returns the value it replaced, if any.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let position = self.index(forKey: key) {
            let old = self.entries[position].value
            self.entries[position].value = value
            return old
        }
        self.entries.append(Entry(key: key, value: value))
        if self.index != nil {
            self.index?[key] = self.entries.count - 1
        } else if self.entries.count > Self.indexThreshold {
            self.rebuildIndex()
        }
        return nil
    }

    /// Removes `key` and returns its value, if it was present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = self.index(forKey: key) else { return nil }
        let old = self.entries.remove(at: position).value
        self.rebuildIndex()
        return old
    }

    private mutating func rebuildIndex() {
        guard self.entries.count > Self.indexThreshold else {
            self.index = nil
            return
        }
        var index = [String: Int](minimumCapacity: self.entries.count)
        for position in self.entries.indices {
            index[self.entries[position].key] = position
        }
        self.index = index
    }
}

extension JSONObject: RandomAccessCollection {
    /// An entry of the object, in insertion order.
    public typealias Element = (key: String, value: JSONValue)

    /// Always `0`.
    public var startIndex: Int { 0 }

    /// The number of entries.
    public var endIndex: Int { self.entries.count }

    /// The entry at `position` (insertion order).
    public subscript(position: Int) -> Element {
        let entry = self.entries[position]
        return (entry.key, entry.value)
    }
}

extension JSONObject: Hashable {
    /// Objects are equal when they hold the same keys with equal values in the
    /// same order (order is observable on the wire).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries == rhs.entries
    }

    /// Hashes the entries in order; the lookup index is not part of the value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.entries)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object whose keys keep the order written in the literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: CustomStringConvertible {
    /// The JSON text of the object.
    public var description: String { JSONValue.object(self).jsonString }
}
