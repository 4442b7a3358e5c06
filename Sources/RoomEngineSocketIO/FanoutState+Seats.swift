import NIOCore
import RoomEngine

/// Seats: a member whose connection dropped is held ``FanoutMember/Stage/away(grace:)``
/// (its operations kept in its replay) until a `rejoin` takes the seat
/// back or the grace period ends, then it leaves as if it had sent `leave`.
/// The protocol is in `docs/room-protocol.md` ("Seats").
///
/// Everything here runs on the room's loop, between two ticks.
extension FanoutState {
    /// The connection of `member`'s session on `socket` dropped without the
    /// client leaving. Ignored unless that session still holds the seat (a
    /// `rejoin` may have moved it already).
    func away(_ member: MemberID, socket: String, room handle: any RoomEndpoint) {
        guard case .joined(let endpoint)? = members[member]?.stage, endpoint.socketID == socket else { return }
        // Answers owed to the old socket can no longer reach it: its acks are gone.
        dropAnswers(of: member)
        guard seats.grace > .zero else {
            members[member]?.stage = .expired
            seats.expired(member)
            return
        }
        do {
            try handle.memberAwayOnLoop(member)
        } catch {
            return  // the room stopped: nothing to hold
        }
        let state = NIOLoopBound(self, eventLoop: eventLoop)
        let timer = eventLoop.scheduleTask(in: seats.grace) { state.value.graceEnded(member) }
        members[member]?.stage = .away(grace: timer)
        logger.debug("member away; seat held", metadata: ["member": "\(member)", "grace": "\(seats.grace)"])
    }

    /// A socket presents a seat of this room: the member it names comes back
    /// there (from away, or taken over from a socket the server still
    /// holds), with the operations after `sequence` or a snapshot.
    func rejoin(seat secret: String, after sequence: UInt64?, endpoint: MemberEndpoint, room handle: any RoomEndpoint) {
        guard let member = members.first(where: { SeatToken.matches(secret, $0.value.seat) })?.key,
              endpoint.provenIdentity == nil || endpoint.provenIdentity == member
        else {
            // Never held, or (with identities checked) another member's seat.
            return endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
        }
        var previous: MemberEndpoint?
        var wasAway = false
        switch members[member]?.stage {
        case .joined(let old):
            previous = old
        case .away(let grace):
            grace?.cancel()
            wasAway = true
        case .admitted, .attached, .parked, .encoding, .expired, .overflowed, nil:
            // Not joined yet (its answer, with the seat, is still to come) or gone.
            return endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
        }
        let missed = sequence.flatMap { members[member]?.replay.operations(after: $0) }
        let snapshot: RoomSnapshot?
        do {
            snapshot = try handle.memberReturnedOnLoop(member, withSnapshot: missed == nil, wasAway: wasAway)
        } catch {
            return endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
        }
        dropAnswers(of: member)
        let start: JoinAccepted.Start
        let tick: UInt64
        if let snapshot {
            members[member]?.replay.restarted(at: snapshot.operationSequence)
            start = .snapshot(snapshot.encodedBuffer())
            tick = snapshot.tick
        } else {
            start = .operations(missed ?? ByteBuffer())
            tick = lastTick
        }
        members[member]?.stage = .joined(endpoint)
        var outbox = Outbox()
        if let previous { outbox.add(.detached(room), to: previous) }
        outbox.add(.joined(accepted(member, room: handle, tick: tick, start: start, rejoin: true)), to: endpoint)
        outbox.flush()
        logger.debug("member back", metadata: [
            "member": "\(member)", "from": "\(wasAway ? "away" : "a live socket")", "snapshot": "\(snapshot != nil)",
        ])
    }

    /// The room was resumed here from its recording (failover): its members
    /// hold seats (derived from the seat key, so the tokens they hold are
    /// valid here) but no session yet. Each is away, for the grace period,
    /// as after a dropped connection; a `rejoin` brings it back with a
    /// snapshot (whatever sequence it names: its client may hold operations
    /// of ticks the dead owner never committed).
    func restoreSeats(of restored: [MemberID], tick: UInt64, operationSequence: UInt64, room handle: any RoomEndpoint) {
        lastTick = tick
        for member in restored where members[member] == nil {
            stats.value.members += 1
            members[member] = FanoutMember(
                stage: .away(grace: nil), seat: seats.newSeat(for: member),
                replay: OperationReplay(limits: seats.replayLimits, newest: operationSequence, owesSnapshot: true)
            )
            do {
                try handle.memberAwayOnLoop(member)
            } catch {
                continue  // the room stopped meanwhile
            }
            guard seats.grace > .zero else {
                members[member]?.stage = .expired
                seats.expired(member)
                continue
            }
            let state = NIOLoopBound(self, eventLoop: eventLoop)
            let timer = eventLoop.scheduleTask(in: seats.grace) { state.value.graceEnded(member) }
            members[member]?.stage = .away(grace: timer)
        }
        logger.debug("room resumed; seats held", metadata: ["members": "\(restored.count)", "tick": "\(tick)"])
    }

    /// The grace timer of `member` fired: unless it came back, it leaves.
    func graceEnded(_ member: MemberID) {
        guard case .away = members[member]?.stage else { return }
        members[member]?.stage = .expired
        logger.debug("grace period over; member leaves", metadata: ["member": "\(member)"])
        seats.expired(member)
    }

    private func dropAnswers(of member: MemberID) {
        awaitingAnswers -= members[member]?.awaitingAnswers.count ?? 0
        members[member]?.awaitingAnswers = []
    }
}
