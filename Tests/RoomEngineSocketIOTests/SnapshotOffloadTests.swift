import NIOCore
import NIOPosix
import RoomEngine
@testable import RoomEngineSocketIO
import Synchronization
import Testing
import WhiteboardRoom

/// Issue 22: a joiner's snapshot of a large state is encoded and hashed by
/// the ``SnapshotWorker``, not on the room's loop; the operations of the
/// ticks after its join tick wait for it. Here every whiteboard snapshot is
/// "large" (`snapshotOffloadBytes = 1`) and the worker is paused when a test
/// needs an encoding in flight. Every wait is for a delivery or a counter,
/// never for time.
@Suite("Snapshots encoded off the room's loop")
struct SnapshotOffloadTests {
    static func offloaded(_ worker: SnapshotWorker) -> (inout RoomServiceConfiguration) -> Void {
        { configuration in
            configuration.snapshotOffloadBytes = 1
            configuration.snapshotWorker = worker
        }
    }

    /// Waits until the worker's counters satisfy `condition` (asks again
    /// until they do; a guard against a hang, no time asserted).
    static func counters(
        of worker: SnapshotWorker, _ what: String, _ condition: (SnapshotWorker.Counters) -> Bool
    ) async throws -> SnapshotWorker.Counters {
        for _ in 0..<3000 {
            let counters = worker.counters
            if condition(counters) { return counters }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RoomTestClient.Timeout(what: what)
    }

    @Test("a joiner gets the snapshot of its join tick, then every later operation once and in order, held while the encoding runs")
    func heldWhileEncoding() async throws {
        let worker = SnapshotWorker(limit: 4)
        try await TestServer.with(configure: Self.offloaded(worker)) { server in
            let alice = try await server.member(of: "whiteboard")
            try await SnapshotStreamTests.draw(3, by: alice)
            #expect(worker.counters.encoded == 1)  // alice's own join went through the worker

            worker.pause()
            let bob = try await server.client()
            async let answer = bob.join("whiteboard")
            _ = try await Self.counters(of: worker, "bob's encoding queued") { $0.queued == 1 }
            // The room goes on while bob's snapshot waits: its operations are held for him.
            try await SnapshotStreamTests.draw(2, by: alice, from: 100)
            _ = try await alice.inputWithAck(Board.addShape(7, from: (1, 1), to: (50, 50)))
            #expect(bob.view.snapshot == nil)
            #expect(bob.view.operationBatches == 0)

            worker.resume()
            let joined = try await answer
            #expect(joined["error"] == nil, "join failed: \(joined)")
            let live = try await server.snapshot(of: alice.view.room)
            let caughtUp = try await bob.waitUntil("bob at the room's sequence") {
                $0.snapshot != nil && $0.operationSequence >= live.operationSequence
            }
            let snapshot = try #require(caughtUp.snapshot)
            // The snapshot is of the join tick: what alice did afterwards came as operations.
            #expect(snapshot.operationSequence < live.operationSequence)
            #expect(caughtUp.operationBatches >= 1)
            #expect(caughtUp.operationFaults.isEmpty)
            let expected = try await alice.waitUntil("alice at the same sequence") { $0.operationSequence >= live.operationSequence }
            #expect(caughtUp.document == expected.document)
            #expect(caughtUp.whiteboard?.strokes.count == 5)
            #expect(caughtUp.whiteboard?.shapes.count == 1)
            #expect(worker.counters.encoded == 2 && worker.counters.queued == 0)

            // From then on bob follows the room like everyone else.
            _ = try await alice.inputWithAck(Board.deleteShape(7))
            let after = try await bob.waitUntil("the shape deleted") { $0.whiteboard?.shapes.isEmpty == true }
            #expect(after.operationFaults.isEmpty)
            #expect(after.deltaFaults.isEmpty)
        }
    }

    @Test("a full worker: the snapshot is encoded on the room's loop in its tick, and the joiner is served as before")
    func fullWorkerEncodesInline() async throws {
        let worker = SnapshotWorker(limit: 0)
        try await TestServer.with(configure: Self.offloaded(worker)) { server in
            let alice = try await server.member(of: "whiteboard")
            try await SnapshotStreamTests.draw(2, by: alice)
            let bob = try await server.member(of: "whiteboard")
            let live = try await server.snapshot(of: alice.view.room)
            let view = try await bob.waitUntil("bob's board") { $0.snapshot != nil && $0.operationSequence >= live.operationSequence }
            #expect(view.whiteboard?.strokes.count == 2)
            #expect(view.operationFaults.isEmpty)
            #expect(worker.counters == SnapshotWorker.Counters(queued: 0, encoded: 0, skipped: 0, refused: 2))
        }
    }

    @Test("the worker's bound: past `limit` encodings queued, submissions are refused; resuming runs the queued ones")
    func workerBound() async throws {
        let worker = SnapshotWorker(limit: 1, paused: true)
        let deferred = try Self.deferredSnapshot(for: ["a", "b"])
        let delivered = Mutex<[ByteBuffer?]>([])
        let done = AsyncStream<Void>.makeStream()
        #expect(worker.submit(deferred, job: .init()) { buffer in
            delivered.withLock { $0.append(buffer) }
            done.continuation.yield()
        })
        #expect(!worker.submit(deferred, job: .init()) { _ in Issue.record("a refused encoding ran") })
        #expect(worker.counters == SnapshotWorker.Counters(queued: 1, encoded: 0, skipped: 0, refused: 1))
        worker.resume()
        var events = done.stream.makeAsyncIterator()
        await events.next()
        let buffer = try #require(delivered.withLock { $0.first } ?? nil)
        #expect(Array(buffer.readableBytesView) == deferred.encode().encodedBytes())
        #expect(worker.counters == SnapshotWorker.Counters(queued: 0, encoded: 1, skipped: 0, refused: 1))
        // Room again.
        #expect(worker.submit(deferred, job: .init()) { _ in done.continuation.yield() })
        await events.next()
        #expect(worker.counters.encoded == 2)
    }

    @Test("two joiners of one tick share one encoding; a joiner gone before it is ready releases its held operations and the encoding")
    func sharedAndReleased() async throws {
        let worker = SnapshotWorker(limit: 4, paused: true)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let deferred = try Self.deferredSnapshot(for: ["a", "b"])
        let fanout = try await loop.submit {
            let fanout = RoomFanout(
                room: "offload-1", seats: SeatPolicy(), eventLoop: loop,
                stats: .makeBoxSendingValue(RoomServiceStats(), eventLoop: loop), logger: .init(label: "test"), worker: worker
            )
            fanout.admitted("a")
            fanout.admitted("b")
            var output = RoomTickOutput(roomID: "offload-1", tick: deferred.tick)
            output.deferredSnapshots = [deferred]
            fanout.roomDidTick(output)
            fanout.roomDidTick(RoomTickOutput(
                roomID: "offload-1", tick: deferred.tick + 1,
                operations: [SequencedOperation(sequence: deferred.operationSequence + 1, tick: deferred.tick + 1, payload: [1])]
            ))
            return fanout
        }.get()
        #expect(worker.counters.queued == 1)  // one encoding for both joiners

        // Both wait, each holding the operation of the next tick.
        let stages = { @Sendable () async throws -> [String] in
            try await loop.submit { fanout.stagesForTesting(["a", "b"]) }.get()
        }
        #expect(try await stages() == ["encoding(1 held)", "encoding(1 held)"])
        worker.resume()
        _ = try await Self.counters(of: worker, "the shared encoding") { $0.encoded == 1 }
        // Both parked (no session yet) on the same bytes, with the held operation.
        let parked = try await loop.submit { fanout.parkedSnapshotsForTesting(["a", "b"]) }.get()
        #expect(parked.count == 2)
        #expect(parked[0] == parked[1])
        #expect(Array(parked[0].readableBytesView) == deferred.encode().encodedBytes())
        #expect(try await stages() == ["parked(1 held)", "parked(1 held)"])

        // Another join tick; both of its joiners leave before the encoding runs.
        worker.pause()
        let later = try Self.deferredSnapshot(for: ["c", "d"], tick: 5)
        try await loop.submit {
            fanout.admitted("c")
            fanout.admitted("d")
            var output = RoomTickOutput(roomID: "offload-1", tick: later.tick)
            output.deferredSnapshots = [later]
            fanout.roomDidTick(output)
            fanout.roomDidTick(RoomTickOutput(
                roomID: "offload-1", tick: later.tick + 1,
                operations: [SequencedOperation(sequence: later.operationSequence + 1, tick: later.tick + 1, payload: [2])]
            ))
            fanout.departed("c")
        }.get()
        #expect(try await loop.submit { fanout.stagesForTesting(["c", "d"]) }.get() == ["gone", "encoding(1 held)"])
        #expect(try await loop.submit { fanout.encodingsForTesting }.get() == 1)  // d still waits for it
        try await loop.submit { fanout.departed("d") }.get()
        #expect(try await loop.submit { fanout.stagesForTesting(["c", "d"]) }.get() == ["gone", "gone"])
        #expect(try await loop.submit { fanout.encodingsForTesting }.get() == 0)
        worker.resume()
        let counters = try await Self.counters(of: worker, "the cancelled encoding skipped") { $0.skipped == 1 }
        #expect(counters == SnapshotWorker.Counters(queued: 0, encoded: 1, skipped: 1, refused: 0))
        #expect(try await loop.submit { fanout.stagesForTesting(["c", "d"]) }.get() == ["gone", "gone"])
    }

    @Test("a joiner that disconnects while its snapshot is encoded: the answer lands on a closed session, which leaves")
    func disconnectWhileEncoding() async throws {
        let worker = SnapshotWorker(limit: 4)
        try await TestServer.with(configure: {
            Self.offloaded(worker)(&$0)
            // Bob's seat is not kept for a reconnect: he leaves as soon as he is cut.
            $0.seatGracePeriod = .milliseconds(50)
        }) { server in
            let alice = try await server.member(of: "whiteboard")
            try await SnapshotStreamTests.draw(2, by: alice)
            worker.pause()
            let bob = try await server.client()
            let request = bob.post("join", [.object(["kind": .string("whiteboard")])])
            _ = try await Self.counters(of: worker, "bob's encoding queued") { $0.queued == 1 }
            _ = try await SnapshotStreamTests.stats(of: server, "bob admitted") { $0.members == 2 }
            await bob.cut()
            _ = request
            worker.resume()
            _ = try await SnapshotStreamTests.stats(of: server, "bob gone, nothing streaming") {
                $0.members == 1 && $0.snapshotStreams == 0
            }
            #expect(worker.counters.queued == 0)
            // The room goes on for alice.
            _ = try await alice.inputWithAck(Board.addShape(3, from: (2, 2), to: (9, 9)))
            #expect(alice.view.operationFaults.isEmpty)
        }
    }

    @Test("the room leaves a joiner's snapshot unencoded only past the threshold; the deferred one equals the inline one")
    func deferredEqualsInline() throws {
        var inline = Room(id: "w", logic: WhiteboardLogic(), seed: 3)
        var offloading = Room(id: "w", logic: WhiteboardLogic(), seed: 3)
        offloading.snapshotOffloadBytes = 1
        var small = Room(id: "w", logic: WhiteboardLogic(), seed: 3)
        small.snapshotOffloadBytes = 1 << 20
        for member in ["a", "b"] as [MemberID] {
            try inline.join(member)
            try offloading.join(member)
            try small.join(member)
        }
        let expected = inline.advance().output
        let output = offloading.advance().output
        #expect(small.advance().output.deferredSnapshots.isEmpty)
        #expect(output.snapshots.isEmpty)
        let deferred = try #require(output.deferredSnapshots.first)
        #expect(output.deferredSnapshots.count == 1)
        #expect(deferred.recipients == ["a", "b"])
        // The room moves on; the deferred snapshot keeps the join tick's state.
        _ = try offloading.enqueue(Board.addShape(1, from: (1, 1), to: (5, 5)), from: "a")
        _ = offloading.advance()
        let picture = deferred.encode()
        #expect(picture == expected.snapshots[0].snapshot)
        #expect(picture.stateHash == expected.snapshots[0].snapshot.stateHash)
        #expect(expected.snapshots.map(\.recipient) == ["a", "b"])
        #expect(output.operations == expected.operations)
    }

    /// The deferred snapshot of a whiteboard's join tick (two joiners by default).
    static func deferredSnapshot(for members: [MemberID], tick: UInt64 = 1) throws -> DeferredSnapshot {
        var room = Room(id: "offload-1", logic: WhiteboardLogic(), seed: 9)
        room.snapshotOffloadBytes = 1
        while room.tick + 1 < tick { _ = room.advance() }
        for member in members { try room.join(member) }
        return try #require(room.advance().output.deferredSnapshots.first)
    }
}

extension RoomFanout {
    /// Each member's stage in short (tests).
    func stagesForTesting(_ members: [MemberID]) -> [String] {
        inspectForTesting { state in
            members.map { member in
                switch state.members[member]?.stage {
                case .encoding(_, _, let held): "encoding(\(held.count) held)"
                case .parked(_, _, let held): "parked(\(held.count) held)"
                case nil: "gone"
                case let other?: "\(other)"
                }
            }
        }
    }

    /// The snapshots parked members wait with (tests).
    func parkedSnapshotsForTesting(_ members: [MemberID]) -> [ByteBuffer] {
        inspectForTesting { state in
            members.compactMap { member in
                if case .parked(let snapshot, _, _)? = state.members[member]?.stage { return snapshot }
                return nil
            }
        }
    }

    /// Encodings in flight (tests).
    var encodingsForTesting: Int { inspectForTesting { $0.encodings.count } }
}
