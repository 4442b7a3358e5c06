import SnapshotStore

/// When one member was in a session, as `huddle show` prints it: each
/// stay as `joined…left` (after which ticks), with the gaps of a member
/// whose connection dropped while it kept its seat in parentheses:
/// `3…200 (away 40…80)`. A stay open at either end shows `…`.
struct MemberPresence {
    private struct Stay {
        var joined: UInt64?
        var left: UInt64?
        var away: [(from: UInt64, to: UInt64?)] = []
    }

    private var stays: [Stay] = []

    /// Adds one stored event, in the order they happened.
    mutating func record(_ event: MembershipEvent) {
        switch event.change {
        case .joined:
            stays.append(Stay(joined: event.afterTick))
        case .left:
            if let last = stays.indices.last, stays[last].left == nil {
                stays[last].left = event.afterTick
            } else {
                stays.append(Stay(left: event.afterTick))
            }
        case .away:
            if stays.isEmpty || stays[stays.count - 1].left != nil { stays.append(Stay()) }
            stays[stays.count - 1].away.append((event.afterTick, nil))
        case .back:
            if let last = stays.indices.last, let gap = stays[last].away.indices.last, stays[last].away[gap].to == nil {
                stays[last].away[gap].to = event.afterTick
            }
        }
    }

    /// One text per stay: `3…200`, `3…`, `…200`, with `(away 40…80)`.
    var spans: [String] {
        stays.map { stay in
            var text = "\(stay.joined.map(String.init) ?? "")…\(stay.left.map(String.init) ?? "")"
            if !stay.away.isEmpty {
                text += " (away " + stay.away.map { "\($0.from)…\($0.to.map(String.init) ?? "")" }.joined(separator: ", ") + ")"
            }
            return text
        }
    }
}
