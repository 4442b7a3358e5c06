@testable import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// The position mirror and the acknowledgement policy on the engine's own
/// deltas, without a network: lost deltas, lost and late acknowledgements.
@Suite("Position mirror and delta acknowledgements (no network)")
struct MirrorTests {
    @Test("the mirror matches the server's table after every delta it gets, with deltas and acknowledgements lost")
    func convergesUnderLoss() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        try engine.join("bob")
        engine.tick()
        var bob = try engine.replica(for: "bob")
        var acks = DeltaAcknowledger()
        var random = SplitMix(seed: 7)
        var armedAt: UInt64?
        var serverTables: [UInt64: PositionTable] = [:]
        for tick in 0..<400 {
            let x = UInt16(random.next() % 4096)
            let y = UInt16(random.next() % 4096)
            try engine.input(.cursor(x: x, y: y), from: "alice")
            if tick % 3 == 0 { try engine.input(.cursor(x: y, y: x), from: "bob") }
            engine.tick()
            serverTables[engine.room.tick] = engine.room.state.positions
            // 30 % of deltas lost, and a blackout of 80 ticks.
            let sent = engine.deltas["bob"]?.last
            engine.deltas["bob"] = []
            guard let delta = sent, random.next() % 10 >= 3, !(150..<230).contains(tick) else { continue }
            guard case .applied(let applied) = bob.receiveDelta(delta) else { continue }
            #expect(bob.positions.table == serverTables[applied], "tick \(applied)")
            if acks.applied(applied) { armedAt = engine.room.tick }
            // The timer fires four ticks later; 40 % of acknowledgements lost.
            if let armed = armedAt, engine.room.tick >= armed + 4 {
                armedAt = nil
                if let ack = acks.timerFired(), random.next() % 10 >= 4 {
                    try engine.room.acknowledge(tick: ack, by: "bob")
                }
            }
        }
        #expect(bob.statistics.deltasApplied > 150)
        #expect(bob.statistics.deltasFailed == 0)
        #expect(bob.statistics.newestBaseline > 300, "the server encodes against recent acknowledgements")
        #expect(bob.statistics.fullTables >= 1, "after the blackout the server's baseline is gone: a full table")
    }

    @Test("acknowledgements: the first applied delta arms the timer; an input takes the newest tick; the timer then finds nothing")
    func acknowledgementPolicy() {
        var acks = DeltaAcknowledger()
        #expect(acks.applied(10) == true)
        #expect(acks.applied(11) == false, "one timer at a time")
        #expect(acks.takeForInput() == 11)
        #expect(acks.takeForInput() == nil)
        #expect(acks.applied(11) == false, "an acknowledged tick is not pending again")
        #expect(acks.timerFired() == nil)
        #expect(acks.applied(12) == true, "the next delta arms a new timer")
        #expect(acks.timerFired() == 12)
        #expect(acks.reacknowledge(12) == true, "a delta that did not apply re-acknowledges the newest tick")
        #expect(acks.timerFired() == 12)
        _ = acks.applied(13)
        acks.reset()
        #expect(acks.takeForInput() == nil, "a new membership forgets the old ticks")
        #expect(acks.applied(2) == false, "the armed timer stays armed across a reset")
        #expect(acks.timerFired() == 2)
    }

    @Test("a delta against a baseline the mirror does not hold fails, and the newest tick is what to acknowledge")
    func missingBaseline() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        var alice = try RoomReplica(logic: WhiteboardLogic(), answer: engine.answer(for: "alice"), applying: nil, historyLength: 2)
        let joined = alice.positions.tick
        for x: UInt16 in 1...4 {
            try engine.input(.cursor(x: x, y: x), from: "alice")
            engine.tick()
        }
        // Four deltas against the snapshot (never acknowledged); keep the last two.
        let deltas = try #require(engine.deltas["alice"])
        #expect(deltas.count == 4)
        #expect(alice.receiveDelta(deltas[0]) == .applied(tick: joined + 1))
        #expect(alice.receiveDelta(deltas[1]) == .applied(tick: joined + 2))
        // The snapshot's table is gone from a history of two: a delta against it fails.
        guard case .failed(.missingBaseline(let tick)) = alice.receiveDelta(deltas[3]) else {
            Issue.record("expected missingBaseline")
            return
        }
        #expect(tick == joined)
        #expect(alice.receiveDelta(deltas[0]) == .ignored, "older than the newest tick held")
        #expect(alice.statistics.deltasFailed == 1 && alice.statistics.deltasIgnored == 1)
    }
}

/// SplitMix64: a seeded source for the lossy network.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
