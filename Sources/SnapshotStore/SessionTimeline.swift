public import RoomEngine

extension SessionStore {
    /// The recording between two ticks, in the order it happened, as
    /// ``RoomReplay`` consumes it: for each tick `t` in `after+1 … through`,
    /// the joins and leaves that happened after tick `t − 1`, then tick `t`.
    /// With `includeTrailing`, joins and leaves after tick `through` follow.
    public func events(
        of id: RecordedSessionID, after: UInt64, through: UInt64, includeTrailing: Bool = false
    ) throws(SnapshotStoreError) -> [RecordedEvent] {
        try timeline(of: id, after: after, through: through, includeTrailing: includeTrailing).map(\.recordedEvent)
    }

    /// ``events(of:after:through:includeTrailing:)`` with wall-clock times.
    public func timeline(
        of id: RecordedSessionID, after: UInt64, through: UInt64, includeTrailing: Bool = false
    ) throws(SnapshotStoreError) -> [TimelineEntry] {
        guard through >= after else { return [] }
        let ticks = through > after ? try self.ticks(of: id, in: (after + 1)...through) : []
        let upper: UInt64? = includeTrailing ? nil : through
        let membership = try self.membership(of: id, afterTickFrom: after, below: upper)
        var entries: [TimelineEntry] = []
        entries.reserveCapacity(ticks.count + membership.count)
        var nextMember = membership.startIndex
        for stored in ticks {
            while nextMember < membership.endIndex, membership[nextMember].afterTick < stored.tick.tick {
                entries.append(.membership(membership[nextMember]))
                nextMember += 1
            }
            entries.append(.tick(stored))
        }
        while nextMember < membership.endIndex, includeTrailing || membership[nextMember].afterTick < through {
            entries.append(.membership(membership[nextMember]))
            nextMember += 1
        }
        return entries
    }
}

/// One entry of a stored recording, with its wall-clock time.
public enum TimelineEntry: Equatable, Sendable {
    /// A join or leave, or a member away and back.
    case membership(MembershipEvent)
    /// A tick.
    case tick(StoredTick)

    /// The entry as ``RoomReplay`` consumes it.
    public var recordedEvent: RecordedEvent {
        switch self {
        case .membership(let event): event.recordedEvent
        case .tick(let stored): .tick(stored.tick)
        }
    }
}
