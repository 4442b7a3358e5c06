import Logging
import NIOCore
import RoomEngine

/// This node's part of a cluster: the seams it was given, its relay, and
/// the rooms it suspects are orphaned (failover).
struct ClusterNode: Sendable {
    let clustering: RoomClustering
    let relay: RoomRelay
    /// Rooms whose owner looks dead and the rejoins waiting for them
    /// (used when ``resumesRooms``).
    let orphans = OrphanedRooms<ParkedRejoin>(parkingTime: .seconds(10), suspicionTime: .seconds(30))

    var node: String { relay.node }
    var placement: any RoomPlacement { clustering.placement }
    /// Whether rooms of a node that died are resumed (failover: a shared store).
    var resumesRooms: Bool { clustering.states != nil }
}

/// The service's requests when it is one node of a cluster
/// (``RoomServiceConfiguration/cluster``): the shared directory places
/// members; rooms this node owns are joined here (members of other nodes
/// through the relay, with relayed endpoints); rooms of other nodes are
/// reached through their owner. All of it runs in the service's request
/// queues, one request at a time, so a room this node creates exists here
/// before a member of another node, placed in it after, is admitted.
extension RoomService {
    /// Requests of other nodes' members (from the relay) into the queues.
    static func admitRelayed(_ message: RelayMessage, relay: RoomRelay, core: ServiceCore) {
        switch message {
        case .join(let room, let member, let socket, let identity, let from):
            let endpoint = MemberEndpoint(relayedTo: from, through: relay, socketID: socket, provenIdentity: identity)
            if let refusal = core.submit(.placedJoin(room: room, member: member, endpoint: endpoint)) {
                endpoint.deliver(.joinFailed(refusal, admittedTo: room))
            }
        case .rejoin(let room, let secret, let sequence, let socket, let identity, let from):
            let endpoint = MemberEndpoint(relayedTo: from, through: relay, socketID: socket, provenIdentity: identity)
            if let refusal = core.submit(.rejoin(seat: SeatToken(secret: secret, room: room), sequence: sequence, endpoint: endpoint)) {
                endpoint.deliver(.joinFailed(refusal, admittedTo: nil))
            }
        case .leave(let room, let member, let socket, let from):
            let endpoint = socket.map { MemberEndpoint(relayedTo: from, through: relay, socketID: $0, provenIdentity: nil) }
            core.depart(member, from: room, endpoint: endpoint)
        case .input, .acknowledge, .away, .deliveries, .batch:
            break
        }
    }

    /// A local member's join: placed by the shared directory, then joined
    /// here or sent to the room's owner.
    func clusterJoin(kind: RoomKind, member: MemberID, endpoint: MemberEndpoint, _ cluster: ClusterNode) async {
        guard let entry = entries[kind] else {
            endpoint.deliver(.joinFailed(RoomWireError(.unknownRoomKind(kind.name)), admittedTo: nil))
            return
        }
        let placed: RoomPlacementResult
        do {
            placed = try await cluster.placement.joinOrCreate(kind: kind, capacity: factory.capacity(of: entry), member: member)
        } catch {
            endpoint.deliver(.joinFailed(RoomWireError(error), admittedTo: nil))
            return
        }
        if placed.owner == cluster.node {
            // The seat key matters only to a room another node may resume.
            let seatKey = cluster.resumesRooms ? placed.seatKey.flatMap { SeatKey(hex: $0) } : nil
            await joinOwnedRoom(placed.listing.id, kind: kind, seatKey: seatKey, member: member, endpoint: endpoint, cluster)
        } else {
            cluster.relay.requestJoin(room: placed.listing.id, owner: placed.owner, member: member, endpoint: endpoint)
        }
    }

    /// Admits `member` (of this node or another) to room `id`, which this
    /// node owns; starts the room, under its lease, when `kind` is given
    /// and it is not here yet (this node's own placement created it), with
    /// its seats derived from `seatKey` when given.
    func joinOwnedRoom(
        _ id: RoomID, kind: RoomKind?, seatKey: SeatKey? = nil, member: MemberID, endpoint: MemberEndpoint, _ cluster: ClusterNode
    ) async {
        if await directory.room(id) == nil {
            guard let kind, let entry = entries[kind] else {
                endpoint.deliver(.joinFailed(RoomWireError(.unknownRoom(id)), admittedTo: id))
                return
            }
            let serviceCore = core
            guard let ownership = await cluster.clustering.leasing.acquire(id, onLost: { serviceCore.lost(id) }) else {
                core.logger.warning("could not take the lease of a room this node created", metadata: ["room": "\(id)"])
                endpoint.deliver(.joinFailed(.serverBusy, admittedTo: id))
                return
            }
            let room = factory.start(entry, id: id, ownership: ownership, seatKey: seatKey)
            do throws(RoomError) {
                try await directory.adopt(room, capacity: factory.capacity(of: entry))
            } catch {
                await room.close()
                endpoint.deliver(.joinFailed(RoomWireError(error), admittedTo: id))
                return
            }
            cluster.relay.ownsRoom(room)
        }
        do {
            _ = try await directory.join(member, to: id)
        } catch {
            endpoint.deliver(.joinFailed(RoomWireError(error), admittedTo: id))
            return
        }
        guard let room = await directory.room(id) as? any RoomEndpoint else {
            endpoint.deliver(.joinFailed(RoomWireError(.unknownRoom(id)), admittedTo: id))
            return
        }
        // The join answer (with the snapshot) comes from the room's loop.
        room.attach(member, endpoint: endpoint)
    }

    /// A rejoin of a room that is not here: sent to its owner. With
    /// failover, a rejoin of a room whose owner is silent (or is this node,
    /// which lost it) waits until the room is resumed
    /// (``OrphanedRooms``): the member's node died, it reconnected here
    /// before the room had a new owner.
    func clusterRejoin(seat: SeatToken, sequence: UInt64?, endpoint: MemberEndpoint, _ cluster: ClusterNode) async {
        let owner = await owner(of: seat.room, cluster)
        let isLocal = if case .local = endpoint.route { true } else { false }
        guard let owner else {
            endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
            return
        }
        if cluster.resumesRooms {
            // Named the owner without the room: it is being resumed here (a
            // rejoin relayed by another node too), or this node lost it.
            // (An empty owner: its node handed it over as it stopped.)
            var orphaned = owner == cluster.node || owner.isEmpty
            if !orphaned, isLocal { orphaned = !(await cluster.relay.isListening(owner)) }
            if orphaned {
                if !cluster.orphans.park(ParkedRejoin(seat: seat, sequence: sequence, endpoint: endpoint), of: seat.room) {
                    endpoint.deliver(.joinFailed(.serverBusy, admittedTo: nil))
                }
                return
            }
        }
        // A relayed rejoin is never relayed again.
        guard owner != cluster.node, isLocal else {
            endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
            return
        }
        cluster.relay.requestRejoin(room: seat.room, owner: owner, secret: seat.secret, sequence: sequence, endpoint: endpoint)
    }

    /// The node that owns `room`: as the proxy of a room this node's members
    /// are in knows it, else as the directory says (nil: not listed).
    private func owner(of room: RoomID, _ cluster: ClusterNode) async -> String? {
        if let known = cluster.relay.knownRemoteRoom(room) { return known.info.owner }
        return try? await cluster.placement.owner(of: room)
    }

    /// The rooms of every node.
    func clusterList(kind: RoomKind?, endpoint: MemberEndpoint, token: UInt32, _ cluster: ClusterNode) async {
        do {
            endpoint.deliver(.reply(token: token, RoomWire.listing(try await cluster.placement.rooms(of: kind))))
        } catch {
            endpoint.deliver(.reply(token: token, RoomWireError(error).json()))
        }
    }

    /// A leave: of a room owned here (the member's seat is freed here and in
    /// the shared directory), or sent to the room's owner.
    func clusterLeave(_ departure: ServiceCore.Departure, _ cluster: ClusterNode) async {
        if let room = await directory.room(departure.room) {
            var failure: RoomError?
            do {
                try await directory.leave(departure.member, from: departure.room)
            } catch {
                failure = error
            }
            do {
                try await cluster.placement.leave(departure.member, kind: room.kind, from: departure.room)
            } catch {
                failure = failure ?? error
            }
            // A member that never got in (its join failed after placement) is not the room's to answer.
            if let failure { departure.endpoint?.deliver(.leaveFailed(RoomWireError(failure))) }
            return
        }
        let owner = await owner(of: departure.room, cluster)
        guard let owner, owner != cluster.node, departure.endpoint.map({ if case .local = $0.route { true } else { false } }) ?? true else {
            departure.endpoint?.deliver(.leaveFailed(RoomWireError(.unknownRoom(departure.room))))
            return
        }
        cluster.relay.requestLeave(room: departure.room, owner: owner, member: departure.member, endpoint: departure.endpoint)
    }

    /// Closes the owned rooms left empty past their grace period, if the
    /// shared directory agrees nobody joined them meanwhile, and gives their
    /// leases up.
    func disposeOwnedRooms(_ cluster: ClusterNode) async -> [RoomID] {
        let placement = cluster.placement
        let disposed = await directory.disposeIdleRooms { id, kind in
            (try? await placement.removeIfEmpty(id, kind: kind)) ?? false
        }
        for id in disposed {
            cluster.relay.disowns(id)
            await cluster.clustering.leasing.release(id)
        }
        return disposed
    }

    /// Every `interval`, looks for nodes that died (their relay channel
    /// has no subscriber at two checks in a row: one miss may be a
    /// subscriber reconnecting):
    ///
    /// - members of such a node seated in this node's rooms go away (seats
    ///   held for the grace period; ``RoomRelay/nodeWentSilent(_:)``);
    /// - this node's members in rooms of such a node whose lease is gone
    ///   are told `room-closed` (`ownerLost`): the room no longer ticks;
    /// - every `janitorEvery` checks, rooms anywhere in the directory whose
    ///   owner died and whose lease is gone are removed with their seats, so
    ///   their members may join again; and the seats the directory holds in
    ///   this node's rooms for members not in them are freed
    ///   (``reconcileSeats(_:previous:)``).
    ///
    /// With failover (``ClusterNode/resumesRooms``), rooms of a node silent
    /// at one check are suspected instead (``OrphanedRooms``): their lease
    /// decides, so one check is enough, and the room is resumed rather than
    /// closed (``serveOrphans(_:every:)``).
    func watchNodes(_ cluster: ClusterNode, every interval: TimeAmount, janitorEvery: Int = 5) async {
        var silent: Set<String> = []
        var strays: [RoomID: Set<MemberID>] = [:]
        var round = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(nanoseconds: UInt64(max(interval.nanoseconds, 1_000_000)))
            } catch {
                return
            }
            round += 1
            var cache: [String: Bool] = [:]
            func listening(_ node: String) async -> Bool {
                if node.isEmpty { return false }  // a room handed over: no owner
                if let known = cache[node] { return known }
                let answer = await cluster.relay.isListening(node)
                cache[node] = answer
                return answer
            }
            var nowSilent: Set<String> = []
            var candidates = Set(cluster.relay.nodesWithMembersHere).union(cluster.relay.ownersOfRoomsWithMembersHere)
            if round % janitorEvery == 0 { strays = await reconcileSeats(cluster, previous: strays) }
            if round % janitorEvery == 0, let placed = try? await cluster.placement.roomsWithOwners(of: nil) {
                candidates.formUnion(placed.map(\.owner))
                for room in placed where room.owner != cluster.node && (cluster.resumesRooms || silent.contains(room.owner)) {
                    if cluster.resumesRooms {
                        if !(await listening(room.owner)) { cluster.orphans.suspect(room.listing.id) }
                        continue
                    }
                    if !(await listening(room.owner)), !(await cluster.clustering.leasing.isHeld(room.listing.id)) {
                        try? await cluster.placement.remove(room.listing.id, kind: room.listing.kind)
                        core.logger.warning("removed a room whose owner died", metadata: ["room": "\(room.listing.id)", "owner": "\(room.owner)"])
                    }
                }
            }
            for node in candidates where node != cluster.node && !node.isEmpty {
                if !(await listening(node)) { nowSilent.insert(node) }
            }
            if cluster.resumesRooms {
                for node in nowSilent {
                    for room in cluster.relay.roomsOwned(by: node) { cluster.orphans.suspect(room.id) }
                }
            }
            for node in nowSilent.intersection(silent) {
                cluster.relay.nodeWentSilent(node)
                if cluster.resumesRooms { continue }
                for room in cluster.relay.roomsOwned(by: node) where !(await cluster.clustering.leasing.isHeld(room.id)) {
                    cluster.relay.ownerLost(room.id)
                    // Its seats go with it, so its members may join again.
                    try? await cluster.placement.remove(room.id, kind: room.kind)
                }
            }
            silent = nowSilent
        }
    }

    /// Rooms whose lease ended: they no longer tick here (fenced). Without
    /// failover a fenced room is over (its members were told
    /// `room-closed`): it leaves the directory with its seats when Redis can
    /// be asked, unless another node owns it by then. With failover its
    /// members were told to resync, and the room stays listed: it is
    /// suspected here too, so whichever node takes the lease resumes it
    /// (this one, once it reaches Redis again).
    func serveLostRooms(_ cluster: ClusterNode) async {
        for await id in core.lostRooms {
            cluster.relay.disowns(id)
            let kind = await directory.room(id)?.kind
            await directory.evict(id)
            core.logger.warning("room lease lost; the room is fenced here", metadata: ["room": "\(id)"])
            if cluster.resumesRooms {
                cluster.orphans.suspect(id)
            } else if let kind {
                _ = try? await cluster.placement.removeOwned(id, kind: kind)
            }
        }
    }
}
