import ArenaRoom
import CounterRoom
import RoomEngine
import Testing
import WhiteboardRoom

/// A second version of the counter (same kind), to show how a catalog keeps
/// old versions for their recordings while serving the newest.
struct CounterLogicV2: RoomLogic {
    let base = CounterLogic()
    var kind: RoomKind { base.kind }
    var logicVersion: UInt32 { 2 }
    var rules: RoomRules { base.rules }
    func create(config: RoomConfig, seed: UInt64) -> CounterState { base.create(config: config, seed: seed) }
    func joinAttempt(state: borrowing CounterState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        .allow
    }
    func join(state: consuming CounterState, member: MemberID) -> RoomStep<CounterState, CounterOperation> {
        base.join(state: state, member: member)
    }
    func leave(state: consuming CounterState, member: MemberID) -> RoomStep<CounterState, CounterOperation> {
        base.leave(state: state, member: member)
    }
    func tick(
        state: consuming CounterState, inputs: [RoomInputEnvelope<CounterInput>], tick: UInt64, context: TickContext
    ) -> RoomStep<CounterState, CounterOperation> {
        base.tick(state: state, inputs: inputs, tick: tick, context: context)
    }
    func terminate(state: consuming CounterState) -> RoomStep<CounterState, CounterOperation> { base.terminate(state: state) }
}

@Suite("Room kind catalog")
struct RoomKindCatalogTests {
    @Test("a kind registered once is found by name and by recorded version; the newest version is served")
    func lookups() {
        let kinds: RoomKindCatalog = [.whiteboard, .arena, .counter, RoomKindEntry(CounterLogicV2())]
        #expect(kinds.kinds == [.whiteboard, .arena, .counter])
        #expect(kinds.entry(for: .counter)?.logicVersion == 2)
        #expect(kinds.entry(for: .counter, version: 1)?.logicVersion == 1)
        #expect(kinds.entry(for: .counter, version: 3) == nil)
        #expect(kinds.versions(of: .counter) == [1, 2])
        #expect(kinds.versions(of: "chess") == [])
        #expect(kinds.entry(for: "chess") == nil)
        #expect(kinds.servedEntries.map { "\($0.kind) v\($0.logicVersion)" } == ["whiteboard v1", "arena v1", "counter v2"])
    }

    @Test("a later entry of the same kind and version replaces the earlier one, also across +")
    func replacement() {
        let custom = RoomKindEntry(ArenaLogic(), config: RoomConfig(parameters: ["pickups": "12"]))
        let kinds: RoomKindCatalog = [.whiteboard, .arena]
        let merged = kinds + [custom, .counter]
        #expect(merged.entries.count == 3)
        #expect(merged.kinds == [.whiteboard, .arena, .counter])
        #expect(merged.entry(for: .arena)?.config.parameters == ["pickups": "12"])
    }

    @Test("an entry describes recorded inputs and states for people, and undecodable bytes as hex")
    func descriptions() {
        let entry = RoomKindEntry.counter
        #expect(entry.describeInput(CounterInput.add(3).encodedBytes()) == "add(3)")
        #expect(entry.describeInput([0x07, 0xAB]) == "undecodable 7 ab")
        var state = CounterState()
        state.total = 5
        #expect(entry.describeState(state.encodeState()) == "total 5 over 0 members")
        #expect(entry.describeState([0xFF]).hasPrefix("undecodable state"))
        #expect(RoomKindEntry.whiteboard.describeInput(WhiteboardInput.cursor(x: 10, y: 20).encodedBytes()).contains("cursor"))
    }

    @Test("an entry starts a running room of its kind, which ticks, records and stops like any runner")
    func startRoom() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let recorder = MemoryRecorder()
        let room = RoomKindEntry.counter.startRoom(id: "counter-1", seed: 3, loop: loop, sink: sink, recorder: recorder)
        #expect(room.kind == .counter && room.rules.ticksPerSecond == 10)
        let joined = Collected<Result<Void, RoomError>>()
        room.join("alice", metadata: [:]) { joined.append($0) }
        let receipts = Collected<Result<UInt64, RoomError>>()
        room.enqueue(CounterInput.add(4).encodedBytes(), from: "alice", acknowledging: nil) { receipts.append($0) }
        loop.advance(by: .milliseconds(250))
        #expect(sink.outputs.map(\.tick) == [1, 2])
        #expect(receipts.values.count == 1)
        let snapshot = Collected<RoomSnapshot>()
        room.inspectSnapshot { picture, _ in snapshot.append(picture) }
        let state = try CounterState.decodeState(try #require(snapshot.values.first).state)
        #expect(state.total == 4 && state.tallies.map(\.count) == [4])
        room.stop(completion: nil)
        loop.advance(by: .milliseconds(100))
        #expect(recorder.session?.kind == .counter)
        #expect(recorder.end?.tick == 2)
    }

    @Test("synthetic members come with the entry that offers them")
    func syntheticMembers() throws {
        let make = try #require(RoomKindEntry.counter.syntheticMembers)
        var bots = make(["a", "b"], 1)
        #expect(bots.members == ["a", "b"])
        #expect(bots.inputs(forTick: 4).isEmpty)
        #expect(bots.inputs(forTick: 5).map(\.member) == ["b"])
        #expect(RoomKindEntry.whiteboard.syntheticMembers != nil && RoomKindEntry.arena.syntheticMembers != nil)
    }
}
