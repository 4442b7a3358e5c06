import Logging
import RoomEngine
import Synchronization

/// What sessions share: the configuration, the kinds served and the two
/// request queues the service drains into the ``RoomDirectory``.
///
/// Overflow policy: joins, rejoins and listings wait in a queue of
/// ``RoomServiceConfiguration/maxQueuedRequests``; beyond it a request is
/// refused with `serverBusy` (after shutdown, `shuttingDown`). Leaves wait
/// in their own queue, which is never refused: each member leaves at most
/// once, so it holds at most one entry per member, and a refused leave
/// would leave a ghost member in its room.
final class ServiceCore: Sendable {
    /// A request that needs the directory and may be refused when busy.
    enum Admission: Sendable {
        case join(kind: RoomKind, member: MemberID, endpoint: MemberEndpoint)
        case list(kind: RoomKind?, endpoint: MemberEndpoint, token: UInt32)
        case rejoin(seat: SeatToken, sequence: UInt64?, endpoint: MemberEndpoint)
        /// A member of another node of the cluster, placed in `room`, which this node owns.
        case placedJoin(room: RoomID, member: MemberID, endpoint: MemberEndpoint)
    }

    /// A member leaving a room (`endpoint` is nil when nobody waits for the answer).
    struct Departure: Sendable {
        let member: MemberID
        let room: RoomID
        let endpoint: MemberEndpoint?
    }

    let configuration: RoomServiceConfiguration
    let logger: Logger
    /// The kinds rooms can be joined (and listed) by.
    let kinds: Set<RoomKind>
    /// Snapshots being streamed in chunks now, by every session (``RoomServiceStats/snapshotStreams``).
    let snapshotStreams = Atomic<Int>(0)
    /// `snapshot-chunk` packets sent (``RoomServiceStats/snapshotChunks``).
    let snapshotChunks = Atomic<UInt64>(0)
    let admissions: AsyncStream<Admission>
    let departures: AsyncStream<Departure>
    /// Rooms whose lease ended without a release (cluster only): at most one
    /// entry per room, so unbounded is bounded by the rooms this node owns.
    let lostRooms: AsyncStream<RoomID>
    private let admissionInput: AsyncStream<Admission>.Continuation
    private let departureInput: AsyncStream<Departure>.Continuation
    private let lostRoomInput: AsyncStream<RoomID>.Continuation

    init(configuration: RoomServiceConfiguration, kinds: Set<RoomKind>, logger: Logger) {
        self.configuration = configuration
        self.kinds = kinds
        self.logger = logger
        (admissions, admissionInput) = AsyncStream.makeStream(
            of: Admission.self, bufferingPolicy: .bufferingOldest(configuration.maxQueuedRequests)
        )
        (departures, departureInput) = AsyncStream.makeStream(of: Departure.self, bufferingPolicy: .unbounded)
        (lostRooms, lostRoomInput) = AsyncStream.makeStream(of: RoomID.self, bufferingPolicy: .unbounded)
    }

    /// Queues a join or listing; returns why it was refused, if it was.
    func submit(_ admission: Admission) -> RoomWireError? {
        switch admissionInput.yield(admission) {
        case .enqueued: return nil
        case .dropped: return .serverBusy
        case .terminated: return .shuttingDown
        @unknown default: return .serverBusy
        }
    }

    /// Queues a leave.
    func depart(_ member: MemberID, from room: RoomID, endpoint: MemberEndpoint?) {
        if case .terminated = departureInput.yield(Departure(member: member, room: room, endpoint: endpoint)) {
            endpoint?.deliver(.leaveFailed(.shuttingDown))
        }
    }

    /// Notes that this node lost `room`'s lease (the room is fenced).
    func lost(_ room: RoomID) {
        lostRoomInput.yield(room)
    }

    /// Refuses every later request (the service is stopping).
    func finish() {
        admissionInput.finish()
        departureInput.finish()
        lostRoomInput.finish()
    }
}
