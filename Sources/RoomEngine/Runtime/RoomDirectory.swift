public import NIOCore

/// One room as the directory lists it.
public struct RoomListing: Equatable, Sendable {
    /// The room.
    public var id: RoomID
    /// Its kind.
    public var kind: RoomKind
    /// Members in it (including joins still being admitted).
    public var members: Int
    /// Members it holds at most.
    public var capacity: Int

    /// Creates a listing.
    public init(id: RoomID, kind: RoomKind, members: Int, capacity: Int) {
        self.id = id
        self.kind = kind
        self.members = members
        self.capacity = capacity
    }
}

/// The registry of live rooms: join-or-create matchmaking by kind, listing,
/// and disposal of rooms that stayed empty past a grace period.
///
/// It is an actor, so it is the single owner of the membership bookkeeping;
/// rooms themselves run on their own loops behind ``RoomHandle``. A seat is
/// reserved before the directory awaits the room's answer, so concurrent
/// joins never overfill a room. Time comes from an injected ``RoomClock``,
/// so tests advance it instead of sleeping.
///
/// ```swift
/// let entry = RoomKindEntry.counter
/// let directory = RoomDirectory(registrations: [
///     .init(kind: entry.kind, capacity: entry.rules.capacity, emptyGracePeriod: .seconds(30)) { id in
///         entry.startRoom(id: id, seed: seed(), loop: EventLoopRoomLoop(group.next()), sink: binding)
///     },
/// ])
/// let listing = try await directory.joinOrCreate(kind: "counter", member: "alice")
/// ```
public actor RoomDirectory {
    /// How rooms of one kind are sized, kept and made.
    public struct Registration: Sendable {
        /// The kind.
        public var kind: RoomKind
        /// Members per room.
        public var capacity: Int
        /// How long an empty room is kept (for reconnects) before disposal.
        public var emptyGracePeriod: TimeAmount
        /// Makes and starts a room with the given identifier.
        public var makeRoom: @Sendable (RoomID) -> any RoomHandle

        /// Creates a registration.
        public init(
            kind: RoomKind,
            capacity: Int,
            emptyGracePeriod: TimeAmount,
            makeRoom: @escaping @Sendable (RoomID) -> any RoomHandle
        ) {
            precondition(capacity > 0)
            self.kind = kind
            self.capacity = capacity
            self.emptyGracePeriod = emptyGracePeriod
            self.makeRoom = makeRoom
        }
    }

    private struct Entry {
        let handle: any RoomHandle
        let kind: RoomKind
        let capacity: Int
        var members: Set<MemberID> = []
        var admitting: Set<MemberID> = []
        var emptySince: NIODeadline?

        var occupancy: Int { members.count + admitting.count }
        func holds(_ member: MemberID) -> Bool { members.contains(member) || admitting.contains(member) }
    }

    private let registrations: [RoomKind: Registration]
    private let clock: any RoomClock
    private var entries: [RoomID: Entry] = [:]
    private var creationOrder: [RoomID] = []
    private var roomsCreated: UInt64 = 0

    /// Creates a directory for the registered kinds.
    public init(registrations: [Registration], clock: any RoomClock = SystemRoomClock()) {
        var byKind: [RoomKind: Registration] = [:]
        for registration in registrations { byKind[registration.kind] = registration }
        self.registrations = byKind
        self.clock = clock
    }

    /// Puts `member` into the oldest room of `kind` with a free seat, or into
    /// a new room (named `<kind>-<n>`) when all are full.
    ///
    /// Throws ``RoomError/unknownRoomKind(_:)`` for unregistered kinds,
    /// ``RoomError/alreadyAMember(_:)`` when the member is already in a room
    /// of that kind, and whatever the room's logic refuses the join with.
    public func joinOrCreate(
        kind: RoomKind,
        member: MemberID,
        metadata: [String: String] = [:]
    ) async throws(RoomError) -> RoomListing {
        guard let registration = registrations[kind] else { throw .unknownRoomKind(kind.name) }
        guard !entries.values.contains(where: { $0.kind == kind && $0.holds(member) }) else {
            throw .alreadyAMember(member)
        }
        let id = creationOrder.first { id in
            guard let entry = entries[id] else { return false }
            return entry.kind == kind && entry.occupancy < entry.capacity
        } ?? createRoom(registration)
        return try await admit(member, into: id, metadata: metadata)
    }

    /// Puts `member` into room `id`, which a cluster's directory placed it
    /// in (the room must be here: made by ``joinOrCreate(kind:member:metadata:)``
    /// or handed over with ``adopt(_:capacity:)``).
    ///
    /// Throws ``RoomError/unknownRoom(_:)`` when the room is not here,
    /// ``RoomError/roomFull(capacity:)`` when it has no free seat,
    /// ``RoomError/alreadyAMember(_:)``, and whatever the logic refuses.
    public func join(_ member: MemberID, to id: RoomID, metadata: [String: String] = [:]) async throws(RoomError) -> RoomListing {
        guard let entry = entries[id] else { throw .unknownRoom(id) }
        guard !entries.values.contains(where: { $0.kind == entry.kind && $0.holds(member) }) else {
            throw .alreadyAMember(member)
        }
        guard entry.occupancy < entry.capacity else { throw .roomFull(capacity: entry.capacity) }
        return try await admit(member, into: id, metadata: metadata)
    }

    /// Takes in a room made and started elsewhere (a cluster node makes the
    /// rooms it owns itself, after taking their leases): it is then joined,
    /// left, listed and disposed of like the rooms this directory makes.
    /// Its kind must be registered (for the grace period). `members` are
    /// already in it (a room resumed from its recording after its owner
    /// died): they leave like members who joined here.
    public func adopt(_ handle: any RoomHandle, capacity: Int, members: [MemberID] = []) throws(RoomError) {
        guard registrations[handle.kind] != nil else { throw .unknownRoomKind(handle.kind.name) }
        guard entries[handle.id] == nil else { throw .duplicateElement("room \(handle.id)") }
        entries[handle.id] = Entry(handle: handle, kind: handle.kind, capacity: capacity, emptySince: members.isEmpty ? clock.now() : nil)
        entries[handle.id]?.members = Set(members)
        creationOrder.append(handle.id)
    }

    private func admit(_ member: MemberID, into id: RoomID, metadata: [String: String]) async throws(RoomError) -> RoomListing {
        entries[id]?.admitting.insert(member)
        entries[id]?.emptySince = nil
        guard let handle = entries[id]?.handle else { throw .unknownRoom(id) }
        do {
            try await handle.join(member, metadata: metadata)
        } catch {
            entries[id]?.admitting.remove(member)
            markEmptyIfIdle(id)
            throw error
        }
        entries[id]?.admitting.remove(member)
        entries[id]?.members.insert(member)
        guard let entry = entries[id] else { throw .unknownRoom(id) }
        return listing(id, entry)
    }

    /// Takes `member` out of room `id`; an emptied room starts its grace period.
    public func leave(_ member: MemberID, from id: RoomID) async throws(RoomError) {
        guard let entry = entries[id] else { throw .unknownRoom(id) }
        guard entry.members.contains(member) else { throw .notAMember(member) }
        entries[id]?.members.remove(member)
        markEmptyIfIdle(id)
        try await entry.handle.leave(member)
    }

    /// The live rooms, oldest first, optionally of one kind only.
    public func rooms(of kind: RoomKind? = nil) -> [RoomListing] {
        creationOrder.compactMap { id in
            guard let entry = entries[id], kind == nil || entry.kind == kind else { return nil }
            return listing(id, entry)
        }
    }

    /// The members of room `id`, those being admitted included; nil when
    /// the room is not here.
    public func occupants(of id: RoomID) -> Set<MemberID>? {
        entries[id].map { $0.members.union($0.admitting) }
    }

    /// The handle of room `id`, to route inputs and acknowledgements to it.
    public func room(_ id: RoomID) -> (any RoomHandle)? {
        entries[id]?.handle
    }

    /// Closes and forgets every room that has been empty for at least its
    /// kind's grace period; returns their identifiers, oldest first. Call it
    /// periodically (the binding uses a timer).
    ///
    /// `confirming`, when given, is asked before each room goes (a cluster
    /// node asks the shared directory whether a member of another node
    /// joined meanwhile); a room it keeps starts a new grace period.
    @discardableResult
    public func disposeIdleRooms(confirming: (@Sendable (RoomID, RoomKind) async -> Bool)? = nil) async -> [RoomID] {
        let now = clock.now()
        let expired = creationOrder.filter { id in
            guard let entry = entries[id], entry.occupancy == 0, let since = entry.emptySince,
                  let grace = registrations[entry.kind]?.emptyGracePeriod else { return false }
            return since + grace <= now
        }
        var disposed: [RoomID] = []
        var handles: [any RoomHandle] = []
        for id in expired {
            if let confirming, let kind = entries[id]?.kind, !(await confirming(id, kind)) {
                if entries[id]?.occupancy == 0 { entries[id]?.emptySince = clock.now() }
                continue
            }
            // Checked again: a member may have come while the confirmation was awaited.
            guard let entry = entries[id], entry.occupancy == 0 else { continue }
            entries.removeValue(forKey: id)
            handles.append(entry.handle)
            disposed.append(id)
        }
        creationOrder.removeAll { disposed.contains($0) }
        for handle in handles { await handle.close() }
        return disposed
    }

    /// Forgets room `id` without closing it: a cluster node whose lease of
    /// the room ended (the room is fenced and stopped on its own; its session
    /// goes on where the room is resumed).
    public func evict(_ id: RoomID) {
        entries.removeValue(forKey: id)
        creationOrder.removeAll { $0 == id }
    }

    private func createRoom(_ registration: Registration) -> RoomID {
        roomsCreated += 1
        let id = RoomID("\(registration.kind.name)-\(roomsCreated)")
        entries[id] = Entry(handle: registration.makeRoom(id), kind: registration.kind, capacity: registration.capacity)
        creationOrder.append(id)
        return id
    }

    private func markEmptyIfIdle(_ id: RoomID) {
        guard let entry = entries[id], entry.occupancy == 0, entry.emptySince == nil else { return }
        entries[id]?.emptySince = clock.now()
    }

    private func listing(_ id: RoomID, _ entry: Entry) -> RoomListing {
        RoomListing(id: id, kind: entry.kind, members: entry.occupancy, capacity: entry.capacity)
    }
}
