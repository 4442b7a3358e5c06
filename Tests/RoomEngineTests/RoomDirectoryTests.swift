import ArenaRoom
import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Room directory")
struct RoomDirectoryTests {
    /// A directory whose rooms run on one manual loop that also serves as the clock.
    private func makeDirectory(whiteboardCapacity: Int = 2) -> (RoomDirectory, ManualRoomLoop, CollectingSink) {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let directory = RoomDirectory(registrations: [
            .init(kind: .whiteboard, capacity: whiteboardCapacity, emptyGracePeriod: .seconds(30)) { id in
                let runner = RoomRunner(room: Room(id: id, logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
                runner.start()
                return runner
            },
            .init(kind: .arena, capacity: 16, emptyGracePeriod: .seconds(5)) { id in
                let runner = RoomRunner(room: Room(id: id, logic: ArenaLogic(), seed: 1), loop: loop, sink: sink)
                runner.start()
                return runner
            },
        ], clock: loop)
        return (directory, loop, sink)
    }

    @Test("join-or-create fills the oldest room with a free seat, then creates another")
    func joinOrCreate() async throws {
        let (directory, _, _) = makeDirectory()
        let a = try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        let b = try await directory.joinOrCreate(kind: .whiteboard, member: "b")
        let c = try await directory.joinOrCreate(kind: .whiteboard, member: "c")
        let p = try await directory.joinOrCreate(kind: .arena, member: "a")
        #expect(a.id == "whiteboard-1" && b.id == "whiteboard-1")
        #expect(c.id == "whiteboard-2")
        #expect(p.id == "arena-3")
        #expect(await directory.rooms() == [
            RoomListing(id: "whiteboard-1", kind: .whiteboard, members: 2, capacity: 2),
            RoomListing(id: "whiteboard-2", kind: .whiteboard, members: 1, capacity: 2),
            RoomListing(id: "arena-3", kind: .arena, members: 1, capacity: 16),
        ])
        #expect(await directory.rooms(of: .arena).map(\.id) == ["arena-3"])

        // A seat freed in the oldest room is taken before the newer room's.
        try await directory.leave("a", from: "whiteboard-1")
        let d = try await directory.joinOrCreate(kind: .whiteboard, member: "d")
        #expect(d.id == "whiteboard-1")
    }

    @Test("unknown kinds, double joins and unknown rooms are refused")
    func refusals() async throws {
        let (directory, _, _) = makeDirectory()
        await #expect(throws: RoomError.unknownRoomKind("chess")) {
            try await directory.joinOrCreate(kind: "chess", member: "a")
        }
        _ = try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        await #expect(throws: RoomError.alreadyAMember("a")) {
            try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        }
        await #expect(throws: RoomError.unknownRoom("nowhere")) { try await directory.leave("a", from: "nowhere") }
        await #expect(throws: RoomError.notAMember("zed")) { try await directory.leave("zed", from: "whiteboard-1") }
    }

    @Test("a join the room refuses releases its reserved seat")
    func refusedJoinReleasesSeat() async throws {
        // The directory allows 40, the whiteboard logic only 32.
        let (directory, _, _) = makeDirectory(whiteboardCapacity: 40)
        for index in 0..<WhiteboardLimits.capacity {
            _ = try await directory.joinOrCreate(kind: .whiteboard, member: MemberID("m\(index)"))
        }
        await #expect(throws: RoomError.roomFull(capacity: WhiteboardLimits.capacity)) {
            try await directory.joinOrCreate(kind: .whiteboard, member: "one-too-many")
        }
        #expect(await directory.rooms().first?.members == WhiteboardLimits.capacity)
    }

    @Test("an empty room is disposed only after its grace period, by the injected clock")
    func disposalAfterGrace() async throws {
        let (directory, loop, sink) = makeDirectory()
        _ = try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        _ = try await directory.joinOrCreate(kind: .arena, member: "p")
        try await directory.leave("a", from: "whiteboard-1")
        try await directory.leave("p", from: "arena-2")

        loop.advance(by: .seconds(4))
        #expect(await directory.disposeIdleRooms() == [])
        loop.advance(by: .seconds(1))
        #expect(await directory.disposeIdleRooms() == ["arena-2"])
        #expect(sink.stops.map(\.0) == ["arena-2"])

        // Rejoining during the grace period keeps the room alive.
        loop.advance(by: .seconds(20))
        let back = try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        #expect(back.id == "whiteboard-1")
        loop.advance(by: .seconds(60))
        #expect(await directory.disposeIdleRooms() == [])

        try await directory.leave("a", from: "whiteboard-1")
        loop.advance(by: .seconds(29))
        #expect(await directory.disposeIdleRooms() == [])
        loop.advance(by: .seconds(1))
        let handle = await directory.room("whiteboard-1")
        #expect(await directory.disposeIdleRooms() == ["whiteboard-1"])
        #expect(await directory.rooms().isEmpty)
        // The disposed runner is stopped for good.
        await #expect(throws: RoomError.roomClosed) { try await handle?.join("late", metadata: [:]) }

        // The next join creates a fresh room.
        #expect(try await directory.joinOrCreate(kind: .whiteboard, member: "a").id == "whiteboard-3")
    }

    @Test("a room made elsewhere is adopted: joined by name, refused when full or unknown, disposed of after its grace")
    func adoptedRooms() async throws {
        let (directory, loop, sink) = makeDirectory()
        let runner = RoomRunner(room: Room(id: "whiteboard-77", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        runner.start()
        try await directory.adopt(runner, capacity: 2)
        await #expect(throws: RoomError.duplicateElement("room whiteboard-77")) { try await directory.adopt(runner, capacity: 2) }
        #expect(await directory.rooms().map(\.id) == ["whiteboard-77"])

        #expect(try await directory.join("a", to: "whiteboard-77").members == 1)
        #expect(try await directory.join("b", to: "whiteboard-77").members == 2)
        await #expect(throws: RoomError.roomFull(capacity: 2)) { try await directory.join("c", to: "whiteboard-77") }
        await #expect(throws: RoomError.alreadyAMember("a")) { try await directory.join("a", to: "whiteboard-77") }
        await #expect(throws: RoomError.unknownRoom("whiteboard-78")) { try await directory.join("c", to: "whiteboard-78") }
        // join-or-create does not pick an adopted room's name for a new one, and fills it like any other.
        try await directory.leave("b", from: "whiteboard-77")
        #expect(try await directory.joinOrCreate(kind: .whiteboard, member: "c").id == "whiteboard-77")

        // Disposal asks first; a room kept starts a new grace period.
        try await directory.leave("a", from: "whiteboard-77")
        try await directory.leave("c", from: "whiteboard-77")
        loop.advance(by: .seconds(31))
        #expect(await directory.disposeIdleRooms { _, _ in false }.isEmpty)
        #expect(await directory.room("whiteboard-77") != nil)
        loop.advance(by: .seconds(29))
        #expect(await directory.disposeIdleRooms { _, _ in true }.isEmpty)   // its new grace is not over
        loop.advance(by: .seconds(2))
        #expect(await directory.disposeIdleRooms { id, kind in id == "whiteboard-77" && kind == .whiteboard } == ["whiteboard-77"])
        #expect(await directory.room("whiteboard-77") == nil)
    }

    @Test("an evicted room is forgotten without being closed")
    func eviction() async throws {
        let (directory, loop, sink) = makeDirectory()
        _ = try await directory.joinOrCreate(kind: .whiteboard, member: "a")
        await directory.evict("whiteboard-1")
        #expect(await directory.rooms().isEmpty)
        loop.advance(by: .milliseconds(100))
        #expect(sink.stops.isEmpty)          // it was not stopped
        #expect(sink.outputs.count >= 2)     // and still ticks on its loop until its owner stops it
    }
}
