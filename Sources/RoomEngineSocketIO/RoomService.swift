public import Logging
public import NIOCore
public import RoomEngine
public import SocketIO

/// Authoritative rooms on Socket.IO: clients in the namespace `/rooms` join
/// rooms by kind, stream inputs to them, and receive per-member position
/// deltas (volatile, binary, uncompressed), operation batches (reliable,
/// acknowledged) and a snapshot when they join. The protocol is in
/// `docs/room-protocol.md`.
///
/// Ownership: each room runs on one event loop of `group` (its runner and
/// its fan-out); each socket's session lives on the socket's loop; the
/// ``RoomDirectory`` actor owns membership. ``run()`` drains the join,
/// list and leave queues into the directory and closes idle rooms; it is
/// the only place this type does asynchronous work, and it runs in a task
/// the caller owns.
///
/// ```swift
/// let io = SocketIOServer(group: group)
/// let rooms = RoomService(server: io, group: group, kinds: .builtIn, recorder: recorder)
/// let http = try await HTTPServer.start(host: "127.0.0.1", port: 3000, endpoints: [io.engine], group: group)
/// try await withThrowingDiscardingTaskGroup { tasks in
///     tasks.addTask { await rooms.run() }     // until the group is cancelled
///     await ShutdownSignal.wait()
///     try await http.shutdown()
///     tasks.cancelAll()
/// }
/// ```
public final class RoomService: Sendable {
    /// The namespace the rooms live in.
    public let namespace: SocketIONamespace
    /// The live rooms (listing, membership).
    public let directory: RoomDirectory
    let core: ServiceCore
    private let loopStats: [(loop: any EventLoop, stats: LoopStatsBox)]
    /// Where joiners' snapshots of large states are encoded (nil when offloading is off).
    let snapshotWorker: SnapshotWorker?
    /// Makes and starts rooms.
    let factory: RoomFactory
    /// The kinds served, by kind.
    let entries: [RoomKind: RoomKindEntry]
    /// This node's part of a cluster (``RoomServiceConfiguration/cluster``).
    let cluster: ClusterNode?

    /// Binds the kinds of `kinds` (the newest version of each, created with
    /// its entry's configuration) to the namespace
    /// ``RoomServiceConfiguration/namespace`` of `server`. Rooms tick on the
    /// loops of `group`; every room hands its history to `recorder` when
    /// there is one.
    public init(
        server: SocketIOServer,
        group: any EventLoopGroup,
        kinds: RoomKindCatalog,
        configuration: RoomServiceConfiguration = RoomServiceConfiguration(),
        recorder: (any RoomRecorder)? = nil,
        logger: Logger = Logger(label: "huddle.rooms")
    ) {
        let core = ServiceCore(configuration: configuration, kinds: Set(kinds.servedEntries.map(\.kind)), logger: logger)
        var loopStats: [(loop: any EventLoop, stats: LoopStatsBox)] = []
        for loop in group.makeIterator() {
            loopStats.append((loop, .makeBoxSendingValue(RoomServiceStats(), eventLoop: loop)))
        }
        let worker: SnapshotWorker? = configuration.snapshotOffloadBytes == nil
            ? nil : configuration.snapshotWorker ?? SnapshotWorker(limit: configuration.snapshotEncodingsQueued)
        self.snapshotWorker = worker
        let factory = RoomFactory(
            group: group, loopStats: loopStats, recorder: recorder, configuration: configuration, snapshotWorker: worker,
            logger: logger, core: core
        )
        self.factory = factory
        self.entries = Dictionary(kinds.servedEntries.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.directory = RoomDirectory(registrations: kinds.servedEntries.map { entry in
            RoomDirectory.Registration(
                kind: entry.kind,
                capacity: factory.capacity(of: entry),
                emptyGracePeriod: configuration.emptyGracePeriod
            ) { id in factory.start(entry, id: id) }
        })
        if let cluster = configuration.cluster {
            let relay = RoomRelay(
                transport: cluster.transport, flushLoop: group.next(), flushDelay: configuration.relayFlushDelay, logger: logger
            ) { message, relay in
                RoomService.admitRelayed(message, relay: relay, core: core)
            }
            self.cluster = ClusterNode(clustering: cluster, relay: relay)
        } else {
            self.cluster = nil
        }
        self.core = core
        self.loopStats = loopStats
        self.namespace = server.of(configuration.namespace)
        MemberSession.listen(on: namespace)
        if let identify = configuration.identify { MemberSession.requireIdentity(on: namespace, identify) }
        namespace.onConnection { socket in MemberSession.start(socket: socket, core: core) }
    }

    /// Serves join, list and leave requests and closes rooms left empty past
    /// their grace period, until the calling task is cancelled; then refuses
    /// further requests and closes every room (the recorder gets each
    /// session's end). Call it once.
    public func run() async {
        if cluster != nil {
            do {
                try await startClusterRelay()
            } catch {
                core.logger.error("the cluster relay did not start; members of other nodes cannot reach this node's rooms", metadata: ["error": "\(error)"])
            }
        }
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.serveAdmissions() }
            tasks.addTask { await self.serveDepartures() }
            tasks.addTask { await self.disposeIdleRooms() }
            if let cluster {
                tasks.addTask { await self.serveLostRooms(cluster) }
                if cluster.resumesRooms { tasks.addTask { await self.serveOrphans(cluster) } }
                tasks.addTask { await self.watchNodes(cluster, every: self.core.configuration.memberNodeCheckInterval) }
            }
            await tasks.next()
            tasks.cancelAll()
        }
        core.finish()
        var handedOver: [RoomID] = []
        for listing in await directory.rooms() {
            if let cluster, cluster.resumesRooms, listing.members > 0, let room = await directory.room(listing.id) as? BoundRoom {
                // Its members go on where another node resumes it.
                await room.handOver()
                handedOver.append(listing.id)
                continue
            }
            await directory.room(listing.id)?.close()
            if let cluster {
                // Closed for good: its seats go, so its members may join elsewhere.
                try? await cluster.placement.remove(listing.id, kind: listing.kind)
                await cluster.clustering.leasing.release(listing.id)
            }
        }
        if let cluster {
            if !handedOver.isEmpty { await handOver(handedOver, cluster) }
            await cluster.relay.stop()
        }
        core.logger.debug("room service stopped")
    }

    /// Subscribes to this node's relay messages (a cluster node only; nothing
    /// otherwise): call it before accepting connections, so that a member
    /// of another node placed in a room of this node is never relayed to a
    /// node that does not listen yet. ``run()`` calls it too.
    ///
    /// ```swift
    /// let rooms = RoomService(server: io, group: group, kinds: .builtIn, configuration: configuration)
    /// try await rooms.startClusterRelay()
    /// ```
    public func startClusterRelay() async throws {
        try await cluster?.relay.start()
    }

    /// The counters of every room since the service started, with the rooms
    /// and members alive now.
    public func stats() async -> RoomServiceStats {
        let loop = loopStats[0].loop
        return (try? await stats(on: loop).get()) ?? RoomServiceStats()
    }

    /// ``stats()`` for callers on an event loop: each loop's counters are
    /// read on that loop and merged on `eventLoop`.
    public func stats(on eventLoop: any EventLoop) -> EventLoopFuture<RoomServiceStats> {
        let reads = loopStats.map { entry in entry.loop.submit { entry.stats.value } }
        let core = core
        let relay = cluster?.relay
        return EventLoopFuture.whenAllSucceed(reads, on: eventLoop).map { values in
            var stats = values.reduce(into: RoomServiceStats()) { $0.merge($1) }
            stats.snapshotStreams = core.snapshotStreams.load(ordering: .relaxed)
            stats.snapshotChunks = core.snapshotChunks.load(ordering: .relaxed)
            if let relay {
                stats.relayLatency = relay.relayLatency
                stats.relayLostMessages = relay.lostMessages
            }
            return stats
        }
    }

    /// Room `id` as it is now, if it is alive (for tests and tools).
    func snapshot(of id: RoomID) async -> RoomSnapshot? {
        guard let room = await directory.room(id) as? BoundRoom else { return nil }
        return await room.currentSnapshot()
    }

    // MARK: The request queues

    private func serveAdmissions() async {
        for await admission in core.admissions {
            switch admission {
            case .join(let kind, let member, let endpoint):
                if let cluster {
                    await clusterJoin(kind: kind, member: member, endpoint: endpoint, cluster)
                } else {
                    await join(kind: kind, member: member, endpoint: endpoint)
                }
            case .placedJoin(let room, let member, let endpoint):
                if let cluster { await joinOwnedRoom(room, kind: nil, member: member, endpoint: endpoint, cluster) }
            case .list(let kind, let endpoint, let token):
                if let cluster {
                    await clusterList(kind: kind, endpoint: endpoint, token: token, cluster)
                } else {
                    endpoint.deliver(.reply(token: token, RoomWire.listing(await directory.rooms(of: kind))))
                }
            case .rejoin(let seat, let sequence, let endpoint):
                // The room checks the seat and answers; a room that is gone holds no seat.
                if let room = await directory.room(seat.room) as? any RoomEndpoint {
                    room.rejoin(seat: seat, after: sequence, endpoint: endpoint)
                } else if let cluster {
                    await clusterRejoin(seat: seat, sequence: sequence, endpoint: endpoint, cluster)
                } else {
                    endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
                }
            }
        }
    }

    private func join(kind: RoomKind, member: MemberID, endpoint: MemberEndpoint) async {
        let listing: RoomListing
        do {
            listing = try await directory.joinOrCreate(kind: kind, member: member)
        } catch {
            endpoint.deliver(.joinFailed(RoomWireError(error), admittedTo: nil))
            return
        }
        guard let room = await directory.room(listing.id) as? any RoomEndpoint else {
            endpoint.deliver(.joinFailed(RoomWireError(.unknownRoom(listing.id)), admittedTo: listing.id))
            return
        }
        // The join answer (with the snapshot) comes from the room's loop.
        room.attach(member, endpoint: endpoint)
    }

    private func serveDepartures() async {
        for await departure in core.departures {
            if let cluster {
                await clusterLeave(departure, cluster)
                continue
            }
            do {
                try await directory.leave(departure.member, from: departure.room)
            } catch {
                departure.endpoint?.deliver(.leaveFailed(RoomWireError(error)))
            }
        }
    }

    private func disposeIdleRooms() async {
        let interval = core.configuration.disposalInterval.nanoseconds
        while !Task.isCancelled {
            do {
                try await Task.sleep(nanoseconds: UInt64(max(interval, 1_000_000)))
            } catch {
                return
            }
            let disposed: [RoomID]
            if let cluster {
                disposed = await disposeOwnedRooms(cluster)
            } else {
                disposed = await directory.disposeIdleRooms()
            }
            if !disposed.isEmpty {
                core.logger.debug("idle rooms closed", metadata: ["rooms": "\(disposed.map(\.rawValue))"])
            }
        }
    }
}
