import SocketIOCore

/// Counts per (second, type, subType): upstream's `EventBuffer`, drained
/// into `server_stats.aggregatedEvents` at each emission.
///
/// Bounded: at most ``maxBuckets`` distinct buckets between two drains
/// (a drain every 2 s fills a few dozen); past that, new buckets are not
/// made and their counts are dropped (``dropped`` says how many).
struct AggregatedEvents: Sendable, Equatable {
    /// The kinds of event the dashboard charts.
    enum Kind: String, Sendable {
        case rawConnection, rawDisconnection, packetsIn, packetsOut, bytesIn, bytesOut
    }

    struct Key: Hashable, Sendable {
        var second: Int64
        var kind: Kind
        var subType: String?
    }

    static let maxBuckets = 4096

    /// Buckets in the order they were first counted.
    private(set) var keys: [Key] = []
    private(set) var counts: [Key: Int] = [:]
    /// Counts dropped because the buckets were full.
    private(set) var dropped = 0

    var isEmpty: Bool { keys.isEmpty }

    /// Adds `count` to the bucket of `kind` (and `subType`) at `second`.
    mutating func add(_ kind: Kind, subType: String? = nil, count: Int = 1, at second: Int64) {
        let key = Key(second: second, kind: kind, subType: subType)
        if let existing = counts[key] {
            counts[key] = existing + count
        } else if keys.count < Self.maxBuckets {
            keys.append(key)
            counts[key] = count
        } else {
            dropped += count
        }
    }

    /// Adds every bucket of `other` to this one.
    mutating func merge(_ other: AggregatedEvents) {
        for key in other.keys {
            add(key.kind, subType: key.subType, count: other.counts[key] ?? 0, at: key.second)
        }
        dropped += other.dropped
    }

    /// The buckets as the dashboard reads them, then empty.
    mutating func drain() -> [JSONValue] {
        let values = json
        self = AggregatedEvents()
        return values
    }

    /// `{timestamp, type, subType?, count}` per bucket, in order (the
    /// timestamp in milliseconds, truncated to the second).
    var json: [JSONValue] {
        keys.map { key in
            var object: JSONObject = [
                "timestamp": .int(key.second * 1000),
                "type": .string(key.kind.rawValue),
            ]
            if let subType = key.subType { object["subType"] = .string(subType) }
            object["count"] = .int(Int64(counts[key] ?? 0))
            return .object(object)
        }
    }
}
