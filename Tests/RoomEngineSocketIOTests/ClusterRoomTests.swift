import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import RoomCluster
import RoomEngine
@testable import RoomEngineSocketIO
import Testing
import WhiteboardRoom

/// One node's cluster seams on a shared redis-server (30 s leases: long
/// enough for a loaded machine, unless a test needs them to run out).
func clustering(node: String, redis: RedisTestServer, lease: LeaseTiming? = nil) throws -> RoomClustering {
    try clusteringAndConnection(node: node, redis: redis, lease: lease).0
}

/// ``clustering(node:redis:lease:)`` and its Redis connection (closed to
/// play a node that dies).
func clusteringAndConnection(node: String, redis: RedisTestServer, lease: LeaseTiming? = nil) throws -> (RoomClustering, RedisConnection) {
    var configuration = try RedisConfiguration(url: redis.url)
    configuration.backoff = RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
    let group = MultiThreadedEventLoopGroup.singleton
    let connection = RedisConnection(configuration: configuration, eventLoop: group.next())
    let clustering = RoomClustering.redis(
        node: node, configuration: configuration, connection: connection, subscriberLoop: group.next(),
        lease: lease ?? LeaseTiming(duration: .seconds(30), renewalInterval: .milliseconds(500)), requestTimeout: .seconds(30)
    )
    return (clustering, connection)
}

/// Two rooms servers in this process, each its own node of one cluster on
/// one redis-server: members connect to either and meet in the same rooms.
@Suite("Rooms across two nodes", .needsRedisServer)
struct ClusterRoomTests {
    func withTwoNodes(
        configure: @escaping (inout RoomServiceConfiguration) -> Void = { _ in },
        _ body: (TestServer, TestServer) async throws -> Void
    ) async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let a = try clustering(node: "node-a", redis: redis)
        let b = try clustering(node: "node-b", redis: redis)
        try await TestServer.with(configure: { configure(&$0); $0.cluster = a }) { nodeA in
            try await TestServer.with(configure: { configure(&$0); $0.cluster = b }) { nodeB in
                try await body(nodeA, nodeB)
            }
        }
    }

    @Test("members of one room on two nodes see each other's cursors and strokes")
    func membersOnTwoNodes() async throws {
        try await withTwoNodes { nodeA, nodeB in
            let alice = try await nodeA.member(of: "whiteboard")     // creates whiteboard-1, owned by node A
            let bob = try await nodeB.member(of: "whiteboard")       // placed in it, through node A
            let carol = try await nodeB.member(of: "whiteboard")
            #expect(alice.view.room == "whiteboard-1" && bob.view.room == "whiteboard-1" && carol.view.room == "whiteboard-1")
            let aliceSlot = try #require(alice.view.slot)
            let bobSlot = try #require(bob.view.slot)
            #expect(bob.view.whiteboard?.members.count == 2 || bob.view.whiteboard?.members.count == 3)

            alice.input(Board.cursor(100, 200))
            bob.input(Board.cursor(3000, 4000))
            for client in [alice, bob, carol] {
                try await client.waitUntil("both cursors") { view in
                    view.point(of: aliceSlot) == CanvasPoint(x: 100, y: 200)
                        && view.point(of: bobSlot) == CanvasPoint(x: 3000, y: 4000)
                }
            }

            // A stroke drawn on node B is applied by node A and reaches everyone.
            let begun = try await bob.inputWithAck(Board.begin(7, color: 0x00FF00, width: 3))
            #expect(begun.errorCode == nil && begun["receipt"] != nil && begun["tick"] != nil)
            bob.input(Board.append(7, Board.points(30, from: 10)))
            #expect(try await bob.inputWithAck(Board.end(7)).errorCode == nil)
            for client in [alice, bob, carol] {
                let view = try await client.waitUntil("bob's committed stroke") { $0.whiteboard?.strokes.count == 1 }
                #expect(view.whiteboard?.strokes.first?.points == Board.points(30, from: 10))
                #expect(view.operationFaults.isEmpty && view.deltaFaults.isEmpty && view.errors.isEmpty)
            }
            // Every view equals the owner's state.
            let live = BoardDocument(try WhiteboardState.decodeState(try await nodeA.snapshot(of: "whiteboard-1").state))
            for client in [alice, bob, carol] {
                try await client.waitUntil("the owner's document") { $0.document == live }
            }

            // Listing from either node shows the one room with its three members.
            for client in [alice, carol] {
                let rooms = try await client.request("list", .object(["kind": "whiteboard"]))["rooms"]?.arrayValue
                #expect(rooms?.count == 1 && rooms?.first?["members"]?.int64Value == 3)
            }

            // Bob leaves from node B: node A frees his seat, everyone sees it.
            let left = try await bob.request("leave")
            #expect(left["ok"] == .bool(true) && left["room"]?.stringValue == "whiteboard-1", "\(left)")
            for client in [alice, carol] {
                try await client.waitUntil("bob's departure") { $0.whiteboard?.members.contains { $0.slot == bobSlot } == false }
            }
            #expect(try await bob.inputWithAck(Board.cursor(1, 1)).errorCode == "notInRoom")
            let relisted = try await alice.request("list", .object(["kind": "whiteboard"]))
            #expect(relisted["rooms"]?.arrayValue?.first?["members"]?.int64Value == 2)
        }
    }

    @Test("capacity holds across nodes: a full room's next member gets a new room, owned by its own node")
    func capacityAcrossNodes() async throws {
        try await withTwoNodes(configure: { $0.roomCapacity = 2 }) { nodeA, nodeB in
            let alice = try await nodeA.member(of: "whiteboard")
            let bob = try await nodeB.member(of: "whiteboard")
            let carol = try await nodeB.member(of: "whiteboard")
            let dave = try await nodeA.member(of: "whiteboard")
            #expect(alice.view.room == "whiteboard-1" && bob.view.room == "whiteboard-1")
            #expect(carol.view.room == "whiteboard-2" && dave.view.room == "whiteboard-2")
            // whiteboard-2 ticks on node B; dave (node A) reaches it through node B.
            #expect(await nodeB.rooms.snapshot(of: "whiteboard-2") != nil)
            #expect(await nodeA.rooms.snapshot(of: "whiteboard-2") == nil)
            dave.input(Board.cursor(5, 6))
            let daveSlot = try #require(dave.view.slot)
            try await carol.waitUntil("dave's cursor") { $0.point(of: daveSlot) == CanvasPoint(x: 5, y: 6) }
        }
    }

    @Test("a member of node B cut from its connection rejoins its seat in node A's room through node B")
    func rejoinAcrossNodes() async throws {
        try await withTwoNodes { nodeA, nodeB in
            let alice = try await nodeA.member(of: "whiteboard")
            let bob = try await nodeB.member(of: "whiteboard")
            _ = try await bob.inputWithAck(Board.begin(1))
            let before = try await bob.waitUntil("its open stroke") { $0.whiteboard?.openStrokes.count == 1 }
            await bob.cut()
            _ = try await alice.inputWithAck(Board.addShape(1, from: (1, 1), to: (9, 9)))

            let back = try await nodeB.client()
            let answer = try await back.rejoin(as: before)
            #expect(answer.errorCode == nil, "\(answer)")
            #expect(answer["member"]?.stringValue == before.member && answer["seat"]?.stringValue == before.seat)
            try await back.waitUntil("alice's shape") { $0.whiteboard?.shapes.count == 1 }
            #expect(try await back.inputWithAck(Board.end(1)).errorCode == nil)
            try await alice.waitUntil("bob's stroke") { $0.whiteboard?.strokes.count == 1 }
        }
    }

    @Test("the members of a node that stops listening keep their seats for the grace period, then leave")
    func silentNodeMembersLeave() async throws {
        try await withTwoNodes(configure: { $0.memberNodeCheckInterval = .milliseconds(50); $0.seatGracePeriod = .milliseconds(300) }) { nodeA, nodeB in
            let alice = try await nodeA.member(of: "whiteboard")
            let bob = try await nodeB.member(of: "whiteboard")
            let bobSlot = try #require(bob.view.slot)
            try await alice.waitUntil("bob") { $0.whiteboard?.members.contains { $0.slot == bobSlot } == true }
            // Node B stops listening (as a node killed outright does): node A
            // holds bob's seat for the grace period, then frees it.
            await nodeB.rooms.cluster?.relay.stop()
            try await alice.waitUntil("bob's seat freed") { $0.whiteboard?.members.contains { $0.slot == bobSlot } == false }
        }
    }

    @Test("garbage published on a node's relay channel is dropped; the node goes on")
    func garbageOnTheRelayChannel() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let a = try clustering(node: "node-a", redis: redis)
        let b = try clustering(node: "node-b", redis: redis)
        let stranger = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        try await TestServer.with(configure: { $0.cluster = a }) { nodeA in
            try await TestServer.with(configure: { $0.cluster = b }) { nodeB in
                let alice = try await nodeA.member(of: "whiteboard")
                let bob = try await nodeB.member(of: "whiteboard")
                let garbage: [[UInt8]] = [
                    [], [0xFF], [1], [1, 99], [1, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
                    [1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20], Array(repeating: 0x41, count: 100_000),
                    RelayMessageTests.wire(RelayMessageTests.messages[0]) + [0],
                ]
                for bytes in garbage {
                    for node in ["node-a", "node-b"] {
                        _ = try await stranger.publish(channel: "huddle:relay:\(node)", message: ByteBuffer(bytes: bytes))
                    }
                }
                // A well-formed message for a socket or room nobody has is dropped too.
                let unknown = RelayMessage.deliveries([.init(socket: "nobody", delivery: .closed("whiteboard-9"))], sentAt: 0)
                _ = try await stranger.publish(channel: "huddle:relay:node-b", message: RelayEnvelope(from: "stranger", sequence: 1, message: unknown).encoded())
                let input = RelayMessage.input(room: "whiteboard-9", member: "ghost", bytes: [1], token: nil, acknowledging: nil)
                _ = try await stranger.publish(channel: "huddle:relay:node-a", message: RelayEnvelope(from: "stranger", sequence: 1, message: input).encoded())

                bob.input(Board.cursor(42, 43))
                let bobSlot = try #require(bob.view.slot)
                try await alice.waitUntil("bob's cursor after the garbage") { $0.point(of: bobSlot) == CanvasPoint(x: 42, y: 43) }
                #expect(alice.view.errors.isEmpty && bob.view.errors.isEmpty)
            }
        }
        await stranger.close()
    }

    @Test("a joiner's large snapshot crosses the relay whole and is streamed in chunks by the joiner's own node")
    func remoteJoinerSnapshotStreams() async throws {
        try await withTwoNodes(configure: SnapshotStreamTests.smallChunks) { nodeA, nodeB in
            let alice = try await nodeA.member(of: "whiteboard")
            try await SnapshotStreamTests.draw(6, by: alice)
            let bob = try await nodeB.client()
            let answer = try await bob.join("whiteboard")
            #expect(answer["room"]?.stringValue == "whiteboard-1" && answer["snapshot"] == nil)
            let chunks = try #require(answer["snapshotStream"]?["chunks"]?.int64Value)
            #expect(chunks > 6)
            let live = BoardDocument(try WhiteboardState.decodeState(try await nodeA.snapshot(of: "whiteboard-1").state))
            let view = try await bob.waitUntil("the streamed snapshot adopted") { $0.streamingAnswer == nil && $0.document == live }
            #expect(view.snapshotChunks == Int(chunks) && view.operationFaults.isEmpty)
            // Node B streamed it; node A sent no chunk.
            #expect(try await SnapshotStreamTests.stats(of: nodeB, "B's chunks") { $0.snapshotChunks == UInt64(chunks) }.snapshotChunks == UInt64(chunks))
            #expect(await nodeA.rooms.stats().snapshotChunks == 0)
        }
    }

    /// Publishes, as `from`, an envelope numbered far past anything sent: the
    /// receiving node must take the messages in between as lost.
    func gap(from: String, to: String, redis: RedisTestServer) async throws {
        let stranger = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let envelope = RelayEnvelope(from: from, sequence: 1 << 40, message: .batch([]))
        _ = try await stranger.publish(channel: "huddle:relay:\(to)", message: envelope.encoded())
        await stranger.close()
    }

    @Test("relay messages lost on the way (either way) resync the members: seats held, transports closed, rejoin in sequence")
    func lostMessagesResync() async throws {
        for direction in [("node-a", "node-b"), ("node-b", "node-a")] {
            let redis = try await RedisTestServer.start()
            defer { redis.kill() }
            let a = try clustering(node: "node-a", redis: redis)
            let b = try clustering(node: "node-b", redis: redis)
            try await TestServer.with(configure: { $0.cluster = a }) { nodeA in
                try await TestServer.with(configure: { $0.cluster = b }) { nodeB in
                    let alice = try await nodeA.member(of: "whiteboard")
                    let bob = try await nodeB.member(of: "whiteboard")
                    _ = try await bob.inputWithAck(Board.begin(1))
                    let before = try await bob.waitUntil("bob's open stroke") { $0.whiteboard?.openStrokes.count == 1 }

                    try await gap(from: direction.0, to: direction.1, redis: redis)
                    try await bob.waitUntil("bob's transport closed") { $0.transportClosed }
                    _ = try await alice.inputWithAck(Board.addShape(3, from: (1, 1), to: (8, 8)))

                    // Bob's client reconnects and takes its seat back; the owner replays what it missed.
                    let back = try await nodeB.client()
                    let answer = try await back.rejoin(as: before)
                    #expect(answer.errorCode == nil, "\(answer)")
                    #expect(answer["member"]?.stringValue == before.member)
                    try await back.waitUntil("alice's shape") { $0.whiteboard?.shapes.count == 1 }
                    #expect(try await back.inputWithAck(Board.end(1)).errorCode == nil)
                    try await alice.waitUntil("bob's stroke") { $0.whiteboard?.strokes.count == 1 }
                    #expect(alice.view.operationFaults.isEmpty && back.view.operationFaults.isEmpty)
                    let lost = await (direction.1 == "node-b" ? nodeB : nodeA).rooms.stats().relayLostMessages
                    #expect(lost > 0)
                }
            }
        }
    }

    @Test("when a room's owner dies and its lease runs out, its members elsewhere are told ownerLost and may join again")
    func ownerDies() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let (a, connectionA) = try clusteringAndConnection(node: "node-a", redis: redis)
        let b = try clustering(node: "node-b", redis: redis)
        let watchFast: (inout RoomServiceConfiguration) -> Void = { $0.memberNodeCheckInterval = .milliseconds(50) }
        try await TestServer.with(configure: { watchFast(&$0); $0.cluster = a }) { nodeA in
            try await TestServer.with(configure: { watchFast(&$0); $0.cluster = b }) { nodeB in
                _ = try await nodeA.member(of: "whiteboard")
                let bob = try await nodeB.member(of: "whiteboard")
                #expect(bob.view.room == "whiteboard-1")
                // Node A dies: it stops listening, its lease is no longer renewed
                // and runs out (played by deleting the key: a real lease's
                // expiry is timing, which a loaded test machine bends).
                await nodeA.rooms.cluster?.relay.stop()
                await connectionA.close()
                let admin = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                _ = try await admin.send("DEL", ["huddle:room:whiteboard-1:lease"])
                await admin.close()
                try await bob.waitUntil("room-closed ownerLost") { $0.closedReasons == ["ownerLost"] }
                // Bob's seat went with the room: he joins a new room, owned by his node.
                let again = try await bob.join("whiteboard")
                #expect(again.errorCode == nil, "\(again)")
                #expect(again["room"]?.stringValue == "whiteboard-2")
            }
        }
    }

    @Test("a seat the directory holds for nobody in the room (a join that timed out and ran in Redis later) is freed by the owner's sweep")
    func straySeatsAreFreed() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let a = try clustering(node: "node-a", redis: redis)
        try await TestServer.with(configure: { $0.memberNodeCheckInterval = .milliseconds(50); $0.cluster = a }) { nodeA in
            let alice = try await nodeA.member(of: "whiteboard")
            let member = try #require(alice.view.member)
            // A join placed in the directory whose member never reached the room.
            let (seams, connection) = try clusteringAndConnection(node: "node-b", redis: redis)
            let ghost = try await seams.placement.joinOrCreate(kind: "whiteboard", capacity: 8, member: "ghost")
            #expect(ghost.listing.id == "whiteboard-1" && ghost.listing.members == 2)
            try await eventually("the ghost's seat freed") {
                (try await seams.placement.seatedMembers(of: "whiteboard-1")) == [MemberID(member)]
            }
            #expect(try await seams.placement.rooms(of: "whiteboard").map(\.members) == [1])
            // Alice, in the room, kept hers; the ghost may join again.
            #expect(try await seams.placement.joinOrCreate(kind: "whiteboard", capacity: 8, member: "ghost").listing.members == 2)
            await connection.close()
        }
    }
}
