public import RoomEngine

/// What ``SessionReplayer/verifyLink(of:)`` found about a resumed session's
/// link to the session it continues (``SessionSummary/resumedFrom``).
public struct LinkReport: Equatable, Sendable {
    /// The link checked.
    public var link: SessionLink
    /// Why the link does not hold (a missing predecessor, a recording that
    /// stops before the tick, different states); nil when it holds.
    public var problem: String?

    /// Whether the two sessions agree at the link's tick.
    public var holds: Bool { problem == nil }

    /// A report on `link`; `problem` nil means it holds.
    public init(link: SessionLink, problem: String?) {
        self.link = link
        self.problem = problem
    }
}

extension SessionReplayer {
    /// Checks that a resumed session really continues the session it names:
    /// that one exists, records the same room and kind, its trustworthy
    /// recording reaches the link's tick T, and the state it leads to at T
    /// is the state the new session starts from (its stored snapshot at T).
    ///
    /// The old session's state at T is rebuilt as its resume point was:
    /// from its newest snapshot at or before T, re-simulated through T
    /// (checking every recorded tick hash, T's included, in the session's
    /// ``StateHashing``), then the joins and leaves recorded after tick T
    /// (they happened before the owner died, and are in the resumed room).
    /// Its canonical state hash must equal the new snapshot's.
    ///
    /// Returns nil for a session that is not resumed. A link that does not
    /// hold is a report with a ``LinkReport/problem``, not an error; errors
    /// are reading failures and an old session whose logic this build lacks.
    ///
    /// ```swift
    /// if let link = try replayer.verifyLink(of: try store.summary(of: 12)), !link.holds {
    ///     print("link to session \(link.link.session): \(link.problem ?? "")")
    /// }
    /// ```
    public func verifyLink(of summary: SessionSummary) throws(SnapshotStoreError) -> LinkReport? {
        guard let link = summary.resumedFrom else { return nil }
        let previous: SessionSummary
        do {
            previous = try store.summary(of: RecordedSessionID(link.session))
        } catch .unknownSession {
            return LinkReport(link: link, problem: "session \(link.session) is not in the store")
        }
        if let problem = mismatch(summary, previous, link) { return LinkReport(link: link, problem: problem) }
        guard let start = try store.snapshot(of: summary.id, atOrBefore: link.tick), start.tick == link.tick else {
            return LinkReport(link: link, problem: "session \(summary.id) has no snapshot at tick \(link.tick) to start from")
        }
        let logic = try entry(recording: previous).logic
        return LinkReport(link: link, problem: try compare(start, with: previous, logic: logic, at: link.tick, session: summary.id))
    }

    /// Why two sessions cannot be one room's history, or nil.
    private func mismatch(_ summary: SessionSummary, _ previous: SessionSummary, _ link: SessionLink) -> String? {
        if previous.roomID != summary.roomID || previous.kind != summary.kind {
            return "session \(link.session) recorded room \(previous.roomID) (\(previous.kind)), not \(summary.roomID) (\(summary.kind))"
        }
        if summary.startTick != link.tick {
            return "session \(summary.id) starts at tick \(summary.startTick), not at the link's tick \(link.tick)"
        }
        if link.tick < previous.startTick || link.tick > previous.verifiableEnd {
            return "session \(link.session) records ticks \(previous.startTick)…\(previous.verifiableEnd) only, not tick \(link.tick)"
        }
        return nil
    }

    /// Why `start` is not the state `previous` leads to at `tick`, or nil.
    private func compare<Logic: RoomLogic>(
        _ start: RoomSnapshot, with previous: SessionSummary, logic: Logic, at tick: UInt64, session: RecordedSessionID
    ) throws(SnapshotStoreError) -> String? {
        let base = try store.snapshot(of: previous.id, atOrBefore: tick)
        if base == nil, previous.startTick > 0 {
            return "session \(previous.id) starts at tick \(previous.startTick) without a snapshot"
        }
        let events = try store.events(of: previous.id, after: base?.tick ?? previous.startTick, through: tick)
        // The joins and leaves after tick T: before the owner died, after T's hash.
        let trailing = try store.membership(of: previous.id, afterTickFrom: tick, below: tick + 1).map(\.recordedEvent)
        let recorded = try store.ticks(of: previous.id, in: tick...tick).first?.tick
        var room: Room<Logic>
        do throws(RoomError) {
            room = if let base {
                try RoomReplay.replay(events, from: base, logic: logic, hashing: previous.stateHashing)
            } else {
                try RoomReplay.replay(events, session: previous.recordedSession, logic: logic)
            }
            guard room.tick == tick else { return "session \(previous.id) has no tick \(tick)" }
            // From a snapshot at T nothing is replayed: T's recorded hash is compared here.
            let found = room.stateHash(previous.stateHashing)
            if let recorded, recorded.stateHash != found {
                throw RoomError.replayDiverged(tick: tick, expected: recorded.stateHash, found: found)
            }
            try RoomReplay.replay(trailing, continuing: &room, hashing: previous.stateHashing) { _ in }
        } catch {
            return "session \(previous.id) does not replay to tick \(tick): "
                + SessionReplayer.map(error, session: previous.id, fallbackTick: tick).description
        }
        guard room.stateHash == start.stateHash else {
            return "session \(previous.id) leads to state \(Hex.hash(room.stateHash)) at tick \(tick), "
                + "session \(session) starts from \(Hex.hash(start.stateHash))"
        }
        return nil
    }
}
