import Dispatch
import Logging
import NIOCore
import RoomEngine
import Synchronization

/// Failover (``RoomClustering/states`` set): a room whose owner died is
/// resumed by another node from the shared store. Any node may do it; the
/// room's lease decides which one (`SET NX` after the dead owner's lease
/// expired), so the room has one owner at a time, and the dead owner, had
/// it only lost Redis, stopped ticking before its lease could expire
/// (fencing).
///
/// ```text
/// owner silent (watchNodes)  ─┐
/// rejoin of its room (parked) ├─► suspect ─► settle ─┬─ live owner (or resumed here) ─► parked rejoins go on;
/// lease lost here            ─┘                      │                                 members here in it resync
///                                                    ├─ lease still held ─► wait (poll)
///                                                    └─ room gone ─► parked rejoins refused; members here: ownerLost
/// ```
extension RoomService {
    /// What became of a suspected room.
    enum Settlement: Equatable {
        /// It has a live owner (maybe this node, which resumed it).
        case routed(owner: String)
        /// The directory no longer lists it, or it could not be resumed.
        case gone
        /// Its lease is still held (by the dead owner, until it expires),
        /// or Redis or the store could not be asked: try again.
        case waiting
    }

    /// Settles the suspected rooms every `interval` until none is left,
    /// then waits for the next; parked rejoins go on, or are refused.
    func serveOrphans(_ cluster: ClusterNode, every interval: TimeAmount = .milliseconds(50)) async {
        var wakeups = cluster.orphans.wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            let rooms = cluster.orphans.rooms
            if rooms.isEmpty {
                guard await wakeups.next() != nil else { return }
                continue
            }
            for (room, settlement) in await settleAll(rooms, cluster) {
                switch settlement {
                case .waiting:
                    continue
                case .routed(let owner):
                    if let proxy = cluster.relay.knownRemoteRoom(room), proxy.info.owner != owner {
                        // This node's members there were seated through the dead owner.
                        cluster.relay.ownerMoved(room)
                    }
                    for parked in cluster.orphans.settle(room) {
                        if let refusal = core.submit(.rejoin(seat: parked.seat, sequence: parked.sequence, endpoint: parked.endpoint)) {
                            parked.endpoint.deliver(.joinFailed(refusal, admittedTo: nil))
                        }
                    }
                case .gone:
                    cluster.relay.ownerLost(room)
                    for parked in cluster.orphans.settle(room) {
                        parked.endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
                    }
                }
            }
            for parked in cluster.orphans.expire() {
                parked.endpoint.deliver(.joinFailed(.unknownSeat, admittedTo: nil))
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(max(interval.nanoseconds, 1_000_000)))
            } catch {
                return
            }
        }
    }

    /// Hands `rooms` (fenced already: they no longer tick, their members
    /// were told to resync) to the other nodes as this node stops: what the
    /// recorder holds is made durable (at most `flushWait`), then each room
    /// is named ownerless in the directory and its lease given up, so the
    /// first node a member rejoins through resumes it from the store,
    /// nothing lost. With no other node left, the rooms wait in the
    /// directory for the next node to start (its sweep resumes them).
    func handOver(_ rooms: [RoomID], _ cluster: ClusterNode, flushWait: TimeAmount = .seconds(5)) async {
        if let recorder = factory.recorder {
            let durable = await Self.flush(recorder, waitingAtMost: flushWait, on: factory.group.next())
            if !durable { core.logger.warning("the recorder did not flush in time: the rooms handed over may lose their last ticks") }
        }
        for id in rooms {
            // Ownerless first, then the lease: no node routes to this one meanwhile.
            _ = try? await cluster.placement.disown(id)
            await cluster.clustering.leasing.release(id)
            await directory.evict(id)
            cluster.relay.disowns(id)
        }
        core.logger.notice("rooms handed over to the other nodes", metadata: ["rooms": "\(rooms.count)"])
    }

    /// Runs `recorder.flush()` (which blocks) off the concurrency pool;
    /// `false` when it did not return within `limit`.
    private static func flush(_ recorder: any RoomRecorder, waitingAtMost limit: TimeAmount, on loop: any EventLoop) async -> Bool {
        await withCheckedContinuation { continuation in
            let answered = AnsweredOnce()
            let answer: @Sendable (Bool) -> Void = { durable in
                if answered.first() { continuation.resume(returning: durable) }
            }
            let timeout = loop.scheduleTask(in: limit) { answer(false) }
            DispatchQueue.global().async {
                recorder.flush()
                timeout.cancel()
                answer(true)
            }
        }
    }

    /// ``settle(_:_:)`` of every room, `concurrency` at a time: a node that
    /// died leaves many rooms, and each takeover waits on Redis and the store.
    private func settleAll(_ rooms: [RoomID], _ cluster: ClusterNode, concurrency: Int = 8) async -> [(RoomID, Settlement)] {
        await withTaskGroup(of: (RoomID, Settlement).self) { group in
            var pending = rooms.makeIterator()
            for _ in 0..<concurrency {
                guard let room = pending.next() else { break }
                group.addTask { (room, await self.settle(room, cluster)) }
            }
            var settled: [(RoomID, Settlement)] = []
            while let result = await group.next() {
                settled.append(result)
                if let room = pending.next() { group.addTask { (room, await self.settle(room, cluster)) } }
            }
            return settled
        }
    }

    /// Whether `room` has a live owner, is gone, or must be waited for;
    /// takes it over when its owner is silent and its lease free.
    func settle(_ room: RoomID, _ cluster: ClusterNode) async -> Settlement {
        let placed: PlacedRoom?
        do {
            placed = try await cluster.placement.placedRoom(room)
        } catch {
            return .waiting
        }
        guard let placed else { return .gone }
        let owner = placed.owner
        if owner == cluster.node {
            if await directory.room(room) != nil { return .routed(owner: owner) }
        } else if !owner.isEmpty, await cluster.relay.isListening(owner) {
            return .routed(owner: owner)
        }
        // Its owner is silent, or handed it over (no owner), or is this node
        // without the room (it lost the lease). A kind this node does not
        // serve is left to a node that does.
        guard entries[placed.listing.kind] != nil else { return .waiting }
        if await cluster.clustering.leasing.isHeld(room) { return .waiting }
        return await takeOver(room, cluster)
    }

    /// Takes `room`'s lease, claims it in the directory and resumes it
    /// here from the shared store, its members' seats held (they come
    /// back with `rejoin`). Seats the directory holds for members the
    /// resumed room does not have (their join was after the last committed
    /// tick) are freed, so those members may join again.
    func takeOver(_ room: RoomID, _ cluster: ClusterNode) async -> Settlement {
        guard let states = cluster.clustering.states else { return .waiting }
        let leasing = cluster.clustering.leasing
        let serviceCore = core
        guard let ownership = await leasing.acquire(room, onLost: { serviceCore.lost(room) }) else { return .waiting }
        var logger = core.logger
        logger[metadataKey: "room"] = "\(room)"
        let claimed: ClaimedRoom?
        do {
            claimed = try await cluster.placement.claim(room)
        } catch {
            await leasing.release(room)
            return .waiting
        }
        guard let claimed else {
            await leasing.release(room)
            return .gone
        }
        let kind = claimed.listing.kind
        func abandon(_ reason: String) async -> Settlement {
            logger.error("a room whose owner died cannot be resumed; it is closed", metadata: ["reason": "\(reason)"])
            _ = try? await cluster.placement.removeOwned(room, kind: kind)
            await leasing.release(room)
            return .gone
        }
        // (`settle` checked this node serves the kind: a room's name carries its kind.)
        guard let entry = entries[kind] else { return await abandon("this node does not serve kind \(kind)") }
        let point: RoomResumePoint?
        do throws(RoomError) {
            point = try await states.resumePoint(of: room)
        } catch {
            if case .joinRefused = error {
                // The store cannot be read now: another round may.
                logger.warning("the room's recording cannot be read yet", metadata: ["error": "\(error)"])
                await leasing.release(room)
                return .waiting
            }
            return await abandon("its recording does not replay: \(error)")
        }
        guard let point else { return await abandon("it has no recording") }
        let bound: BoundRoom
        do {
            bound = try factory.resume(entry, from: point, ownership: ownership, seatKey: SeatKey(hex: claimed.seatKey))
        } catch {
            return await abandon("its recording does not replay: \(error)")
        }
        let members = await bound.holdRestoredSeats()
        do throws(RoomError) {
            try await directory.adopt(bound, capacity: claimed.listing.capacity, members: members)
        } catch {
            await bound.close()
            await leasing.release(room)
            return .waiting
        }
        cluster.relay.ownsRoom(bound)
        let why = claimed.previousOwner.isEmpty ? "resumed a room handed over by a node that stopped" : "resumed a room whose owner died"
        logger.notice("\(why)", metadata: [
            "previousOwner": "\(claimed.previousOwner)", "tick": "\(point.tick)",
            "fromSession": "\(point.previousSession)", "members": "\(members.count)",
        ])
        let restored = Set(members)
        for member in claimed.members where !restored.contains(member) {
            // Placed before the owner died, but its join was not committed.
            try? await cluster.placement.leave(member, kind: kind, from: room)
        }
        return .routed(owner: cluster.node)
    }
}

/// Whichever of two answers comes first (the flush, or its time limit).
private final class AnsweredOnce: Sendable {
    private let answered = Atomic<Bool>(false)

    /// `true` for the first caller only.
    func first() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
