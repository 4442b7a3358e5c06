import HuddleTestSupport
import NIOCore
import RedisClient
import RoomCluster
import RoomEngine
import Testing

@Suite("Room directory in Redis", .needsRedisServer)
struct RedisRoomDirectoryTests {
    @Test("join-or-create fills the oldest room first, across nodes, and names rooms KIND-N")
    func joinOrCreate() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = try connect(server), b = try connect(server)
        let nodeA = RedisRoomDirectory(node: "node-a", connection: a)
        let nodeB = RedisRoomDirectory(node: "node-b", connection: b)

        let alice = try await nodeA.joinOrCreate(kind: "whiteboard", capacity: 2, member: "alice")
        #expect(alice == RoomPlacementResult(listing: RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 1, capacity: 2), owner: "node-a", created: true, seatKey: alice.seatKey))
        #expect(alice.seatKey != nil)
        let bob = try await nodeB.joinOrCreate(kind: "whiteboard", capacity: 2, member: "bob")
        #expect(bob == RoomPlacementResult(listing: RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 2), owner: "node-a", created: false))
        let carol = try await nodeB.joinOrCreate(kind: "whiteboard", capacity: 2, member: "carol")
        #expect(carol.listing.id == "whiteboard-2" && carol.owner == "node-b" && carol.created)

        await #expect(throws: RoomError.alreadyAMember("alice")) {
            try await nodeB.joinOrCreate(kind: "whiteboard", capacity: 2, member: "alice")
        }
        // Another kind is another matter.
        let arena = try await nodeB.joinOrCreate(kind: "arena", capacity: 4, member: "alice")
        #expect(arena.listing.id == "arena-1")

        #expect(try await nodeB.roomsWithOwners(of: "whiteboard") == [
            PlacedRoom(listing: RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 2), owner: "node-a"),
            PlacedRoom(listing: RoomListing(id: "whiteboard-2", kind: "whiteboard", members: 1, capacity: 2), owner: "node-b"),
        ])

        // A seat freed in the older room is taken before the newer room's.
        #expect(try await nodeA.leaveCounting("bob", kind: "whiteboard", from: "whiteboard-1") == 1)
        #expect(try await nodeA.owner(of: "whiteboard-1") == "node-a")
        #expect(try await nodeA.owner(of: "whiteboard-9") == nil)
        #expect(try await nodeA.rooms(of: nil).map(\.id) == ["arena-1", "whiteboard-1", "whiteboard-2"])
        await #expect(throws: RoomError.notAMember("bob")) {
            try await nodeA.leave("bob", kind: "whiteboard", from: "whiteboard-1")
        }
        let dave = try await nodeB.joinOrCreate(kind: "whiteboard", capacity: 2, member: "dave")
        #expect(dave.listing.id == "whiteboard-1" && dave.listing.members == 2)
        await a.close()
        await b.close()
    }

    @Test("capacity holds when joins race on three nodes")
    func racingJoinsNeverOverfill() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let connections = try (0..<3).map { _ in try connect(server) }
        let nodes = connections.indices.map { RedisRoomDirectory(node: "node-\($0)", connection: connections[$0]) }
        let capacity = 4, perNode = 50
        let joins = try await withThrowingTaskGroup(of: (MemberID, RoomPlacementResult).self) { tasks in
            for (index, node) in nodes.enumerated() {
                for member in 0..<perNode {
                    let id = MemberID("m\(index)-\(member)")
                    tasks.addTask { (id, try await node.joinOrCreate(kind: "arena", capacity: capacity, member: id)) }
                }
            }
            var joins: [MemberID: RoomPlacementResult] = [:]
            for try await (member, join) in tasks { joins[member] = join }
            return joins
        }
        #expect(joins.count == 3 * perNode)
        let byRoom = Dictionary(grouping: joins.values, by: \.listing.id)
        #expect(byRoom.values.allSatisfy { $0.count <= capacity })
        // Rooms fill in order: all full but possibly the last.
        #expect(byRoom.count == (3 * perNode + capacity - 1) / capacity)
        // Each room was created once, by one node, and everyone agrees on its owner.
        for (_, seats) in byRoom {
            #expect(seats.filter(\.created).count == 1)
            #expect(Set(seats.map(\.owner)).count == 1)
        }
        let listed = try await nodes[0].rooms(of: "arena")
        #expect(listed.map(\.members).reduce(0, +) == 3 * perNode)
        #expect(listed.allSatisfy { $0.members <= capacity })
        for connection in connections { await connection.close() }
    }

    @Test("a claim names the new owner and hands over the seat key the room was created with; a removal by the old owner then does nothing")
    func claimKeepsTheSeatKey() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = RedisRoomDirectory(node: "node-a", connection: try connect(server))
        let b = RedisRoomDirectory(node: "node-b", connection: try connect(server))
        let created = try await a.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice")
        let key = try #require(created.seatKey)
        #expect(key.count == 32 && key.allSatisfy(\.isHexDigit))
        let joined = try await b.joinOrCreate(kind: "whiteboard", capacity: 8, member: "bob")
        #expect(joined.seatKey == nil && joined.owner == "node-a")
        // Another room gets another key.
        let other = try await a.joinOrCreate(kind: "arena", capacity: 8, member: "carol")
        #expect(other.seatKey != nil && other.seatKey != key)

        let claimed = try #require(try await b.claim("whiteboard-1"))
        #expect(claimed == ClaimedRoom(
            listing: RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 8), seatKey: key, previousOwner: "node-a",
            members: ["alice", "bob"]
        ))
        #expect(try await a.owner(of: "whiteboard-1") == "node-b")
        #expect(try await a.placedRoom("whiteboard-1") == PlacedRoom(
            listing: RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 8), owner: "node-b"
        ))
        #expect(try await a.seatedMembers(of: "whiteboard-1") == ["alice", "bob"])
        #expect(try await b.claim("whiteboard-9") == nil)
        #expect(try await b.placedRoom("whiteboard-9") == nil)
        #expect(try await b.seatedMembers(of: "whiteboard-9") == [])
        // The old owner cannot remove what node-b resumed; node-b can.
        #expect(try await a.removeOwned("whiteboard-1", kind: "whiteboard") == false)
        #expect(try await a.rooms(of: "whiteboard").count == 1)
        #expect(try await b.removeOwned("whiteboard-1", kind: "whiteboard"))
        #expect(try await a.rooms(of: "whiteboard").isEmpty)
        // Its seats went with it.
        #expect(try await b.joinOrCreate(kind: "whiteboard", capacity: 8, member: "bob").created)
    }

    @Test("an empty room is removed from the directory, a room someone joined meanwhile is not")
    func removal() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = try connect(server)
        let node = RedisRoomDirectory(node: "node-a", connection: a)
        _ = try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice")
        #expect(try await node.removeIfEmpty("whiteboard-1", kind: "whiteboard") == false)
        try await node.leave("alice", kind: "whiteboard", from: "whiteboard-1")
        #expect(try await node.removeIfEmpty("whiteboard-1", kind: "whiteboard") == true)
        #expect(try await node.rooms(of: "whiteboard").isEmpty)
        // The next join creates a new room with a new name.
        #expect(try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice").listing.id == "whiteboard-2")

        // A closed room goes with its seats: its members may join again.
        _ = try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "bob")
        try await node.remove("whiteboard-2", kind: "whiteboard")
        #expect(try await node.rooms(of: "whiteboard").isEmpty)
        #expect(try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice").listing.id == "whiteboard-3")
        #expect(try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "bob").listing.id == "whiteboard-3")
        await a.close()
    }

    @Test("an unreachable Redis is a clear error, not a hang")
    func unreachable() async throws {
        let server = try await RedisTestServer.start()
        let a = try connect(server)
        let node = RedisRoomDirectory(node: "node-a", connection: a, requestTimeout: .milliseconds(300))
        // Connected first (without the short timeout, which a loaded machine may miss).
        _ = try await RedisRoomDirectory(node: "node-a", connection: a, requestTimeout: .seconds(30)).rooms(of: "whiteboard")
        server.kill()   // the connection keeps trying to reconnect: requests wait in its queue (or fail when in flight)
        do {
            _ = try await node.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice")
            Issue.record("a join succeeded without Redis")
        } catch .joinRefused(let why) {
            #expect(why.hasPrefix("the room directory (Redis) is unreachable: "), "\(why)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        await a.close()
        await #expect(throws: RoomError.self) {
            try await node.rooms(of: "whiteboard")
        }
    }
}
