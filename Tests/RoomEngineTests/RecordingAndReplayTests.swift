import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Recorder hook and replay")
struct RecordingAndReplayTests {
    /// Drives a recorded whiteboard runner with scripted clients and returns the recording.
    private func recordedSession(ticks: Int, snapshotInterval: UInt64) async throws -> (MemoryRecorder, lastHash: UInt64) {
        let loop = ManualRoomLoop()
        let recorder = MemoryRecorder()
        let runner = RoomRunner(room: Room(id: "rec", logic: WhiteboardLogic(), seed: 31), loop: loop,
                                sink: CollectingSink(), recorder: recorder, snapshotInterval: snapshotInterval)
        runner.start()
        var clients = ScriptedClients(seed: 8)
        let members: [MemberID] = ["a", "b", "c"]
        var present: Set<MemberID> = []
        for _ in 0..<ticks {
            for member in members {
                if present.contains(member) {
                    if clients.chance(2) {
                        try await runner.leave(member)
                        present.remove(member)
                        continue
                    }
                    for _ in 0..<clients.random.next(below: 3) {
                        let bytes = clients.whiteboardInput().encodedBytes()
                        runner.enqueue(bytes, from: member) { _ in }
                    }
                } else if clients.chance(20) {
                    try await runner.join(member, metadata: ["client": "test"])
                    present.insert(member)
                }
            }
            loop.advance(by: .milliseconds(50))
        }
        let lastHash = await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.stateHash(.fingerprint) }) { continuation.resume(returning: $0) }
        }
        await runner.close()
        return (recorder, lastHash)
    }

    @Test("the recorder gets the session, joins, leaves, every tick's batch and hash, and periodic snapshots")
    func recorderReceivesEverything() async throws {
        let (recorder, lastHash) = try await recordedSession(ticks: 200, snapshotInterval: 50)
        let session = try #require(recorder.session)
        #expect(session.kind == .whiteboard && session.seed == 31 && session.logicVersion == 1)
        #expect(session.stateHashing == .fingerprint)
        let ticks = recorder.events.compactMap { if case .tick(let tick) = $0 { tick } else { nil } }
        #expect(ticks.map(\.tick) == Array(1...200))
        #expect(ticks.last?.stateHash == lastHash)
        #expect(ticks.contains { !$0.inputs.isEmpty })
        #expect(recorder.events.contains { if case .joined(_, let metadata) = $0 { metadata == ["client": "test"] } else { false } })
        #expect(recorder.events.contains { if case .left = $0 { true } else { false } })
        #expect(recorder.snapshots.map(\.tick) == [50, 100, 150, 200])
    }

    @Test("replaying a recording reproduces every recorded state hash")
    func replayReproduces() async throws {
        let (recorder, lastHash) = try await recordedSession(ticks: 300, snapshotInterval: 100)
        let session = try #require(recorder.session)
        var replayed = try RoomReplay.replay(recorder.events, session: session, logic: WhiteboardLogic())
        #expect(replayed.tick == 300)
        #expect(replayed.stateHash(.fingerprint) == lastHash)
        _ = replayed.terminate()
        #expect(replayed.stateHash(.fingerprint) == recorder.end?.hash)

        let middle = try #require(recorder.snapshots.first { $0.tick == 200 })
        let fromSnapshot = try RoomReplay.replay(recorder.events, from: middle, logic: WhiteboardLogic())
        #expect(fromSnapshot.stateHash(.fingerprint) == lastHash)
    }

    @Test("a replay refuses a missing logic version and detects a tampered recording")
    func replayRefusesAndDetects() async throws {
        let (recorder, _) = try await recordedSession(ticks: 120, snapshotInterval: 1000)
        var session = try #require(recorder.session)
        var events = recorder.events

        guard let index = events.firstIndex(where: { if case .tick(let tick) = $0 { tick.inputs.contains { $0.bytes.first == 0x01 } } else { false } }),
              case .tick(var tick) = events[index] else {
            Issue.record("no cursor input recorded")
            return
        }
        let cursor = try #require(tick.inputs.firstIndex { $0.bytes.first == 0x01 })
        tick.inputs[cursor].bytes = WhiteboardInput.cursor(x: 4095, y: 4095).encodedBytes()
        events[index] = .tick(tick)
        do {
            _ = try RoomReplay.replay(events, session: session, logic: WhiteboardLogic())
            Issue.record("a tampered recording replayed without error")
        } catch {
            guard case .replayDiverged(let at, _, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(at == tick.tick)
        }

        session.logicVersion = 2
        #expect(throws: RoomError.unsupportedLogicVersion(kind: .whiteboard, version: 2)) {
            _ = try RoomReplay.replay(recorder.events, session: session, logic: WhiteboardLogic())
        }
    }
}
