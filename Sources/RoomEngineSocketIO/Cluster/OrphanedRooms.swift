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
final class OrphanedRooms: Sendable {
    /// A `rejoin` waiting for its room's new owner.
    struct Parked: Sendable {
        let seat: SeatToken
        let sequence: UInt64?
        let endpoint: MemberEndpoint
        let deadline: NIODeadline
    }

    private struct Suspect {
        var parked: [Parked] = []
        let since: NIODeadline
    }

    /// The most rejoins waiting, all rooms together.
    static let maxParked = 4096
    /// How long one rejoin waits.
    let parkingTime: TimeAmount
    /// How long a room stays on the list without being settled.
    let suspicionTime: TimeAmount

    private let table = Mutex<[RoomID: Suspect]>([:])
    /// Yields when the list goes from empty to not (at most one wake-up waits).
    let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// An empty list; rejoins wait at most `parkingTime`, rooms stay at most `suspicionTime`.
    init(parkingTime: TimeAmount, suspicionTime: TimeAmount) {
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

    /// Parks a rejoin of `seat`'s room (suspecting the room); `false` when
    /// ``maxParked`` rejoins wait already.
    func park(seat: SeatToken, sequence: UInt64?, endpoint: MemberEndpoint, now: NIODeadline = .now()) -> Bool {
        let parked = Parked(seat: seat, sequence: sequence, endpoint: endpoint, deadline: now + parkingTime)
        let accepted = table.withLock { table in
            guard table.values.reduce(0, { $0 + $1.parked.count }) < Self.maxParked else { return false }
            table[seat.room, default: Suspect(since: now)].parked.append(parked)
            return true
        }
        if accepted { wake.yield() }
        return accepted
    }

    /// The rooms on the list.
    var rooms: [RoomID] { table.withLock { Array($0.keys) } }

    /// Takes `room` off the list; returns the rejoins that waited for it.
    func settle(_ room: RoomID) -> [Parked] {
        table.withLock { $0.removeValue(forKey: room)?.parked ?? [] }
    }

    /// Takes off the rejoins past their deadline, and the rooms suspected
    /// too long (with theirs); returns them.
    func expire(now: NIODeadline = .now()) -> [Parked] {
        table.withLock { table in
            var expired: [Parked] = []
            for (room, suspect) in table {
                if now - suspect.since > suspicionTime {
                    expired += suspect.parked
                    table[room] = nil
                    continue
                }
                let (late, waiting) = suspect.parked.reduce(into: ([Parked](), [Parked]())) { split, parked in
                    if parked.deadline <= now { split.0.append(parked) } else { split.1.append(parked) }
                }
                if !late.isEmpty {
                    expired += late
                    table[room]?.parked = waiting
                }
            }
            return expired
        }
    }
}
