import Foundation
import HuddleRooms
import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import RoomCluster
import RoomEngine
@testable import RoomEngineSocketIO
import SQLiteSnapshotStore
import SnapshotStore
import Synchronization
import Testing
import WhiteboardRoom

/// Leases that end at once when the test says so: the death of their node
/// (its rooms stop at their next tick, as a killed process's would).
final class KillableLeasing: RoomLeasing {
    private let inner: any RoomLeasing
    private let killed = Atomic<Bool>(false)

    init(_ inner: any RoomLeasing) { self.inner = inner }

    func kill() { killed.store(true, ordering: .relaxed) }

    func acquire(_ room: RoomID, onLost: @escaping @Sendable () -> Void) async -> (any RoomOwnership)? {
        guard !killed.load(ordering: .relaxed), let ownership = await inner.acquire(room, onLost: onLost) else { return nil }
        return KillableOwnership(inner: ownership, leasing: self)
    }

    func release(_ room: RoomID) async { await inner.release(room) }
    func isHeld(_ room: RoomID) async -> Bool { await inner.isHeld(room) }

    struct KillableOwnership: RoomOwnership {
        let inner: any RoomOwnership
        let leasing: KillableLeasing
        func holds(at now: NIODeadline) -> Bool { !leasing.killed.load(ordering: .relaxed) && inner.holds(at: now) }
    }
}

@Suite("Failover: a room resumed on another node after its owner died", .needsRedisServer)
struct ClusterFailoverTests {
    /// Waits until the store holds `room`'s tick `tick` (committed).
    func waitUntilCommitted(_ room: RoomID, tick: UInt64, in path: String) async throws {
        try await eventually("tick \(tick) of \(room) committed") {
            guard let store = try? SQLiteSessionStore.open(path: path), let summary = try? store.latestSession(of: room) else { return false }
            return summary.lastTick >= tick
        }
    }

    @Test("the owner dies: its room is resumed on the other node from the store; members of both nodes rejoin their seats and go on, and the recording links the two sessions")
    func ownerDiesAndTheRoomGoesOn() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rooms.sqlite").path
        let recorder = try SQLiteSessionRecorder.open(path: path)
        defer { recorder.close() }
        let states = StoredRoomStates(store: try SQLiteSessionStore.open(path: path))

        let (seamsA, connectionA) = try clusteringAndConnection(node: "node-a", redis: redis)
        let leasesA = KillableLeasing(seamsA.leasing)
        let a = RoomClustering(placement: seamsA.placement, leasing: leasesA, transport: seamsA.transport, states: states)
        var b = try clustering(node: "node-b", redis: redis)
        b.states = states
        let fast: (inout RoomServiceConfiguration) -> Void = {
            $0.memberNodeCheckInterval = .milliseconds(50)
            $0.seatGracePeriod = .seconds(60)
        }
        try await TestServer.with(configure: { fast(&$0); $0.cluster = a }, recorder: recorder) { nodeA in
            try await TestServer.with(configure: { fast(&$0); $0.cluster = b }, recorder: recorder) { nodeB in
                let alice = try await nodeA.member(of: "whiteboard")
                let bob = try await nodeB.member(of: "whiteboard")
                #expect(alice.view.room == "whiteboard-1" && bob.view.room == "whiteboard-1")
                let shape = try await alice.inputWithAck(Board.addShape(1, from: (1, 1), to: (9, 9)))
                let committed = try #require(shape["tick"]?.int64Value.map { UInt64($0) })
                try await bob.waitUntil("alice's shape") { $0.whiteboard?.shapes.count == 1 }
                try await waitUntilCommitted("whiteboard-1", tick: committed, in: path)
                let aliceBefore = alice.view, bobBefore = bob.view

                // Node A dies: its room stops ticking, it stops listening and
                // loses Redis; its lease runs out (played by deleting the key).
                leasesA.kill()
                await nodeA.rooms.cluster?.relay.stop()
                await connectionA.close()
                await alice.cut()
                let admin = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                _ = try await admin.send("DEL", ["huddle:room:whiteboard-1:lease"])

                // Bob's transport closes: told to resync by node A as its room
                // fenced (if that got out before A went silent), or by node B
                // once it resumed the room. Alice's client reconnects through
                // node B. Both rejoin their seats (a rejoin before the resume waits for it).
                try await bob.waitUntil("bob's transport closed by a resync") { $0.transportClosed }
                try await eventually("node B owns the room") {
                    try await admin.send("HGET", ["huddle:room:whiteboard-1", "owner"]).string == "node-b"
                }
                await admin.close()
                let bobBack = try await nodeB.client()
                let bobAnswer = try await bobBack.rejoin(as: bobBefore)
                #expect(bobAnswer.errorCode == nil, "\(bobAnswer)")
                #expect(bobAnswer["member"]?.stringValue == bobBefore.member && bobAnswer["seat"]?.stringValue == bobBefore.seat)
                let aliceBack = try await nodeB.client()
                let aliceAnswer = try await aliceBack.rejoin(as: aliceBefore)
                #expect(aliceAnswer.errorCode == nil, "\(aliceAnswer)")
                try await aliceBack.waitUntil("the resumed room's shape") { $0.whiteboard?.shapes.count == 1 }
                try await bobBack.waitUntil("the resumed room's shape") { $0.whiteboard?.shapes.count == 1 }

                // The room ticks on: a stroke of each is seen by the other.
                #expect(try await bobBack.inputWithAck(Board.addShape(2, from: (2, 2), to: (5, 5))).errorCode == nil)
                try await aliceBack.waitUntil("bob's new shape") { $0.whiteboard?.shapes.count == 2 }
                #expect(aliceBack.view.operationFaults.isEmpty && bobBack.view.operationFaults.isEmpty)

                // The recording: the resumed session starts where the committed one ends, linked to it.
                let store = try SQLiteSessionStore.open(path: path)
                let sessions = try store.sessions(matching: SessionFilter(roomID: "whiteboard-1"))
                #expect(sessions.count == 2)
                let resumed = try #require(try store.latestSession(of: "whiteboard-1"))
                let first = try #require(sessions.first { $0.id != resumed.id })
                #expect(resumed.startTick >= committed && resumed.startTick <= first.lastTick)
                #expect(resumed.resumedFrom == SessionLink(session: first.id.rawValue, tick: resumed.startTick))
                let replayer = SessionReplayer(store: store, kinds: .builtIn)
                #expect(try replayer.verifyLink(of: resumed)?.holds == true)
                // A stranger's seat token names nobody.
                let stranger = try await nodeB.client()
                var forged = bobBefore
                forged.seat = "AAAAAAAAAAAAAAAAAAAAAA.whiteboard-1"
                #expect(try await stranger.rejoin(as: forged).errorCode == "unknownSeat")
            }
        }
    }

    @Test("a member of the dead node reconnects before its room is resumed: its rejoin waits, then takes its seat in the resumed room")
    func rejoinWaitsForTheResume() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rooms.sqlite").path
        let recorder = try SQLiteSessionRecorder.open(path: path)
        defer { recorder.close() }
        let states = StoredRoomStates(store: try SQLiteSessionStore.open(path: path))
        let (seamsA, connectionA) = try clusteringAndConnection(node: "node-a", redis: redis)
        let leasesA = KillableLeasing(seamsA.leasing)
        let a = RoomClustering(placement: seamsA.placement, leasing: leasesA, transport: seamsA.transport, states: states)
        var b = try clustering(node: "node-b", redis: redis)
        b.states = states
        let configure: (inout RoomServiceConfiguration) -> Void = { $0.seatGracePeriod = .seconds(60) }
        try await TestServer.with(configure: { configure(&$0); $0.cluster = a }, recorder: recorder) { nodeA in
            try await TestServer.with(configure: { configure(&$0); $0.cluster = b }, recorder: recorder) { nodeB in
                let alice = try await nodeA.member(of: "whiteboard")
                let shape = try await alice.inputWithAck(Board.addShape(1, from: (1, 1), to: (9, 9)))
                try await waitUntilCommitted("whiteboard-1", tick: try #require(shape["tick"]?.int64Value.map { UInt64($0) }), in: path)
                let before = alice.view

                leasesA.kill()
                await nodeA.rooms.cluster?.relay.stop()
                await connectionA.close()
                await alice.cut()
                // Alice's client reconnects through node B while node A's lease
                // is still in Redis: her rejoin waits.
                let back = try await nodeB.client()
                async let answer = back.rejoin(as: before)
                let orphans = try #require(nodeB.rooms.cluster?.orphans)
                try await eventually("alice's rejoin parked") { orphans.parkedCount == 1 }
                // The lease runs out (played by deleting the key): node B resumes the room.
                let admin = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                _ = try await admin.send("DEL", ["huddle:room:whiteboard-1:lease"])
                await admin.close()
                let rejoined = try await answer
                #expect(rejoined.errorCode == nil, "\(rejoined)")
                #expect(rejoined["member"]?.stringValue == before.member && rejoined["seat"]?.stringValue == before.seat)
                try await back.waitUntil("the resumed room's shape") { $0.whiteboard?.shapes.count == 1 }
                #expect(try await back.inputWithAck(Board.addShape(2, from: (2, 2), to: (5, 5))).errorCode == nil)
                #expect(orphans.parkedCount == 0)
                #expect(await nodeB.rooms.directory.room("whiteboard-1") != nil)
            }
        }
    }

    @Test("an owner cut from Redis fences its room and tells its members to resync; the other node resumes the room; back on Redis, the old owner leaves it alone")
    func ownerCutFromRedis() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let proxy = try await DroppingProxy.start(forwardingTo: redis.port)
        defer { proxy.close() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rooms.sqlite").path
        let recorder = try SQLiteSessionRecorder.open(path: path)
        defer { recorder.close() }
        let states = StoredRoomStates(store: try SQLiteSessionStore.open(path: path))

        // Node A reaches Redis through the proxy, with a 5 s lease: it runs
        // out once the proxy cuts (a bound on the wait, not a timing check).
        var configurationA = try RedisConfiguration(url: "redis://127.0.0.1:\(proxy.port)")
        configurationA.backoff = RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
        let group = MultiThreadedEventLoopGroup.singleton
        var a = RoomClustering.redis(
            node: "node-a", configuration: configurationA, connection: RedisConnection(configuration: configurationA, eventLoop: group.next()),
            subscriberLoop: group.next(), lease: LeaseTiming(duration: .seconds(5), renewalInterval: .milliseconds(500)),
            requestTimeout: .seconds(2)
        )
        a.states = states
        var b = try clustering(node: "node-b", redis: redis)
        b.states = states
        let configure: (inout RoomServiceConfiguration) -> Void = {
            $0.memberNodeCheckInterval = .milliseconds(50)
            $0.seatGracePeriod = .seconds(60)
        }
        try await TestServer.with(configure: { configure(&$0); $0.cluster = a }, recorder: recorder) { nodeA in
            try await TestServer.with(configure: { configure(&$0); $0.cluster = b }, recorder: recorder) { nodeB in
                let alice = try await nodeA.member(of: "whiteboard")
                let bob = try await nodeB.member(of: "whiteboard")
                #expect(alice.view.room == "whiteboard-1" && bob.view.room == "whiteboard-1")
                let shape = try await bob.inputWithAck(Board.addShape(1, from: (1, 1), to: (9, 9)))
                try await waitUntilCommitted("whiteboard-1", tick: try #require(shape["tick"]?.int64Value.map { UInt64($0) }), in: path)
                try await alice.waitUntil("bob's shape") { $0.whiteboard?.shapes.count == 1 }
                let aliceBefore = alice.view, bobBefore = bob.view

                proxy.dropAll(refusingNew: true)
                // A's lease runs out: it stops ticking and closes alice's transport
                // (resync); B resumes the room and resyncs bob.
                try await alice.waitUntil("alice's transport closed by the fence") { $0.transportClosed }
                try await bob.waitUntil("bob's transport closed by the move") { $0.transportClosed }
                let aliceBack = try await nodeB.client()
                #expect(try await aliceBack.rejoin(as: aliceBefore).errorCode == nil)
                let bobBack = try await nodeB.client()
                #expect(try await bobBack.rejoin(as: bobBefore).errorCode == nil)
                try await aliceBack.waitUntil("the resumed room's shape") { $0.whiteboard?.shapes.count == 1 }
                #expect(await nodeB.rooms.directory.room("whiteboard-1") != nil)
                #expect(await nodeA.rooms.directory.room("whiteboard-1") == nil)

                // A is back on Redis: its suspicion of the room settles on B; nothing moves.
                proxy.resume()
                let orphans = try #require(nodeA.rooms.cluster?.orphans)
                try await eventually("node A settled the room on node B") { orphans.rooms.isEmpty }
                let admin = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: group.next())
                #expect(try await admin.send("HGET", ["huddle:room:whiteboard-1", "owner"]).string == "node-b")
                await admin.close()
                #expect(try await aliceBack.inputWithAck(Board.addShape(2, from: (2, 2), to: (5, 5))).errorCode == nil)
                try await bobBack.waitUntil("alice's new shape") { $0.whiteboard?.shapes.count == 2 }
                #expect(aliceBack.view.operationFaults.isEmpty && bobBack.view.operationFaults.isEmpty)
            }
        }
    }

    @Test("a node that stops hands its rooms over: they stop ticking, their members resync and rejoin on another node, which resumes them with nothing lost")
    func stoppingNodeHandsItsRoomsOver() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rooms.sqlite").path
        let recorder = try SQLiteSessionRecorder.open(path: path)
        defer { recorder.close() }
        let states = StoredRoomStates(store: try SQLiteSessionStore.open(path: path))
        var a = try clustering(node: "node-a", redis: redis)
        a.states = states
        var b = try clustering(node: "node-b", redis: redis)
        b.states = states
        let configure: (inout RoomServiceConfiguration) -> Void = { $0.seatGracePeriod = .seconds(60) }
        try await TestServer.with(configure: { configure(&$0); $0.cluster = b }, recorder: recorder) { nodeB in
            var bobBefore = ClientView(), aliceBefore = ClientView()
            var lastTick: UInt64 = 0
            let bob = try await nodeB.client()
            try await TestServer.with(configure: { configure(&$0); $0.cluster = a }, recorder: recorder) { nodeA in
                let alice = try await nodeA.member(of: "whiteboard")
                #expect(try await bob.join("whiteboard")["room"]?.stringValue == "whiteboard-1")
                _ = try await alice.inputWithAck(Board.addShape(1, from: (1, 1), to: (9, 9)))
                // Acked just before the stop, never waited for in the store: a handover loses nothing.
                let last = try await bob.inputWithAck(Board.addShape(2, from: (3, 3), to: (7, 7)))
                lastTick = try #require(last["tick"]?.int64Value.map { UInt64($0) })
                try await alice.waitUntil("both shapes") { $0.whiteboard?.shapes.count == 2 }
                aliceBefore = alice.view
                bobBefore = bob.view
            }
            // Node A stopped (as on SIGTERM): bob's transport was closed (resync).
            try await bob.waitUntil("bob's transport closed by the handover") { $0.transportClosed }
            let bobBack = try await nodeB.client()
            let answer = try await bobBack.rejoin(as: bobBefore)
            #expect(answer.errorCode == nil, "\(answer)")
            let aliceBack = try await nodeB.client()
            #expect(try await aliceBack.rejoin(as: aliceBefore).errorCode == nil)
            try await bobBack.waitUntil("both shapes in the resumed room") { $0.whiteboard?.shapes.count == 2 }
            #expect(try await aliceBack.inputWithAck(Board.addShape(3, from: (2, 2), to: (5, 5))).errorCode == nil)
            try await bobBack.waitUntil("alice's new shape") { $0.whiteboard?.shapes.count == 3 }

            let store = try SQLiteSessionStore.open(path: path)
            let resumed = try #require(try store.latestSession(of: "whiteboard-1"))
            let link = try #require(resumed.resumedFrom)
            let first = try store.summary(of: RecordedSessionID(link.session))
            #expect(link.tick >= lastTick && link.tick == first.lastTick, "nothing the stopped node applied is lost")
            #expect(try SessionReplayer(store: store, kinds: .builtIn).verifyLink(of: resumed)?.holds == true)
        }
    }
}
