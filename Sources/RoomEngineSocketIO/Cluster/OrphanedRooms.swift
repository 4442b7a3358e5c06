import NIOCore
import RoomEngine
import Synchronization

/// Rooms of other nodes that look orphaned (their owner stopped listening,
/// or lost the room's lease) and the `rejoin`s waiting for them to be
/// resumed somewhere: the failover's work list (``RoomService``'s
/// `serveOrphans`). A member whose node died reconnects through another
/// node at once, before the dead owner's lease has even expired; its
/// `rejoin` waits here instead of failing, and goes on once the room has
/// a live owner again (this node or another).
///
/// State: one table behind a `Mutex`. Bounds: at most ``maxParked``
/// rejoins wait in all (one more is refused `serverBusy`); each waits at
/// most ``parkingTime``, a room is suspected at most ``suspicionTime``
/// (then it is refused `unknownSeat`, and the room dropped from the list:
/// the directory's sweep finds it again if it is still orphaned).
final class OrphanedRooms<Rejoin: Sendable>: Sendable {
    /// A `rejoin` waiting for its room's new owner.
    struct Parked: Sendable {
        let rejoin: Rejoin
        let deadline: NIODeadline
    }

    private struct Suspect {
        var parked: [Parked] = []
        let since: NIODeadline
    }

    /// The most rejoins waiting, all rooms together (4,096 by default).
    let maxParked: Int
    /// How long one rejoin waits.
    let parkingTime: TimeAmount
    /// How long a room stays on the list without being settled.
    let suspicionTime: TimeAmount

    private let table = Mutex<[RoomID: Suspect]>([:])
    /// Yields when the list goes from empty to not (at most one wake-up waits).
    let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// An empty list; rejoins wait at most `parkingTime`, rooms stay at most `suspicionTime`.
    init(parkingTime: TimeAmount, suspicionTime: TimeAmount, maxParked: Int = 4096) {
        self.maxParked = maxParked
        self.parkingTime = parkingTime
        self.suspicionTime = suspicionTime
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Puts `room` on the list (once).
    func suspect(_ room: RoomID, now: NIODeadline = .now()) {
        let added = table.withLock { table in
            guard table[room] == nil else { return false }
            table[room] = Suspect(since: now)
            return true
        }
        if added { wake.yield() }
    }

    /// Parks a rejoin of `room` (suspecting the room); `false` when
    /// ``maxParked`` rejoins wait already.
    func park(_ rejoin: Rejoin, of room: RoomID, now: NIODeadline = .now()) -> Bool {
        let parked = Parked(rejoin: rejoin, deadline: now + parkingTime)
        let accepted = table.withLock { table in
            guard table.values.reduce(0, { $0 + $1.parked.count }) < maxParked else { return false }
            table[room, default: Suspect(since: now)].parked.append(parked)
            return true
        }
        if accepted { wake.yield() }
        return accepted
    }

    /// The rejoins waiting, all rooms together.
    var parkedCount: Int { table.withLock { $0.values.reduce(0) { $0 + $1.parked.count } } }

    /// The rooms on the list.
    var rooms: [RoomID] { table.withLock { Array($0.keys) } }

    /// Takes `room` off the list; returns the rejoins that waited for it.
    func settle(_ room: RoomID) -> [Rejoin] {
        table.withLock { $0.removeValue(forKey: room)?.parked.map(\.rejoin) ?? [] }
    }

    /// Takes off the rejoins past their deadline, and the rooms suspected
    /// too long (with theirs); returns them.
    func expire(now: NIODeadline = .now()) -> [Rejoin] {
        table.withLock { table in
            var expired: [Rejoin] = []
            for (room, suspect) in table {
                if now - suspect.since > suspicionTime {
                    expired += suspect.parked.map(\.rejoin)
                    table[room] = nil
                    continue
                }
                let (late, waiting) = suspect.parked.reduce(into: ([Parked](), [Parked]())) { split, parked in
                    if parked.deadline <= now { split.0.append(parked) } else { split.1.append(parked) }
                }
                if !late.isEmpty {
                    expired += late.map(\.rejoin)
                    table[room]?.parked = waiting
                }
            }
            return expired
        }
    }
}

/// A `rejoin` parked in ``OrphanedRooms``: what resubmitting it needs.
struct ParkedRejoin: Sendable {
    let seat: SeatToken
    let sequence: UInt64?
    let endpoint: MemberEndpoint
}
