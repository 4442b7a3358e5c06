import RoomEngine
import Testing

@Suite("Position deltas: layout, size, decoding and convergence")
struct PositionDeltaTests {
    private func table(_ entries: [(UInt32, UInt16, UInt16)]) -> PositionTable {
        PositionTable(entries.map { PositionEntry(id: $0.0, x: $0.1, y: $0.2) })
    }

    @Test("a full table and a delta round-trip through the decoder")
    func roundTrip() throws {
        let old = table([(0, 10, 10), (1, 200, 300), (5, 4000, 4000)])
        let new = table([(0, 12, 9), (2, 50, 60), (5, 100, 4000)])

        let full = PositionDeltaEncoder.encode(current: new, tick: 7, baseline: nil)
        let decodedFull = try PositionDelta(decoding: full.bytes)
        #expect(decodedFull.baselineTick == nil)
        #expect(decodedFull.tick == 7)
        #expect(try decodedFull.apply(to: old) == new)

        let delta = PositionDeltaEncoder.encode(current: new, tick: 7, baseline: (tick: 4, table: old))
        let decoded = try PositionDelta(decoding: delta.bytes)
        #expect(decoded.baselineTick == 4)
        #expect(decoded.changes == [
            .moved(id: 0, dx: 2, dy: -1),
            .removed(id: 1),
            .set(PositionEntry(id: 2, x: 50, y: 60)),
            .moved(id: 5, dx: -3900, dy: 0),   // 2 + 1 bytes beat 4 absolute bytes
        ])
        #expect(try decoded.apply(to: old) == new)
        #expect(delta.changeCount == 4)
    }

    @Test("the documented bytes of a small move: key, zigzag dx, zigzag dy")
    func documentedLayout() {
        let old = table([(3, 100, 100)])
        let new = table([(3, 101, 98)])
        let message = PositionDeltaEncoder.encode(current: new, tick: 10, baseline: (tick: 9, table: old))
        // format 02, tick 10, age 1, one change: key 3<<2|1 = 0x0D, dx +1 → 02, dy −2 → 03
        #expect(message.bytes == [0x02, 0x0A, 0x01, 0x01, 0x0D, 0x02, 0x03])
    }

    @Test("a changed cursor costs at most 12 bytes, whatever the id or jump")
    func bytesPerChangedCursor() {
        let worstCases: [PositionChange] = [
            .set(PositionEntry(id: UInt32.max, x: UInt16.max, y: UInt16.max)),
            .set(PositionEntry(id: 31, x: 4095, y: 4095)),
            .moved(id: 31, dx: 63, dy: -64),
            .removed(id: UInt32.max),
        ]
        for change in worstCases {
            #expect(PositionDeltaEncoder.encodedSize(of: change) <= PositionDeltaEncoder.maxBytesPerChange)
        }
        #expect(PositionDeltaEncoder.maxBytesPerChange <= 12)

        // Measured on real encodings: every member jumps across the canvas.
        var random = DeterministicRandom(seed: 99)
        let ids = (0..<32).map { UInt32($0) }
        let before = PositionTable(ids.map { PositionEntry(id: $0, x: UInt16(random.next(below: 4096)), y: UInt16(random.next(below: 4096))) })
        let after = PositionTable(ids.map { PositionEntry(id: $0, x: UInt16(random.next(below: 4096)), y: UInt16(random.next(below: 4096))) })
        let message = PositionDeltaEncoder.encode(current: after, tick: 1000, baseline: (tick: 999, table: before))
        let header = 1 + BinaryWriter.varintSize(1000) + BinaryWriter.varintSize(1) + BinaryWriter.varintSize(32)
        let perCursor = Double(message.bytes.count - header) / Double(message.changeCount)
        #expect(message.changeCount == 32)
        #expect(perCursor <= 12)
    }

    @Test("a delta of a few moving cursors is much smaller than the full table")
    func deltaSavings() {
        let before = PositionTable((0..<32).map { PositionEntry(id: UInt32($0), x: UInt16($0 * 100), y: UInt16($0 * 120)) })
        var after = before
        for id in [3, 17, 29] as [UInt32] {
            let old = after[id]!
            after.set(PositionEntry(id: id, x: old.x + 5, y: old.y - 3))
        }
        let full = PositionDeltaEncoder.encode(current: after, tick: 500, baseline: nil)
        let delta = PositionDeltaEncoder.encode(current: after, tick: 500, baseline: (tick: 499, table: before))
        // 3 moved cursors at 3 bytes each plus a 5-byte header (format, tick 500 = 2 bytes,
        // age, count), versus 32 absolute entries.
        #expect(delta.bytes.count == 5 + 3 * 3)
        #expect(full.bytes.count == 4 + 32 * 5, "format, tick (2), count, then 32 × (key + x + y)")
        #expect(delta.bytes.count * 10 < full.bytes.count, "saved \(full.bytes.count - delta.bytes.count) bytes")
    }

    @Test("an unchanged table produces an empty delta that is not worth sending")
    func unchangedTable() {
        let same = table([(1, 1, 1)])
        let message = PositionDeltaEncoder.encode(current: same, tick: 3, baseline: (tick: 2, table: same))
        #expect(message.changeCount == 0)
    }

    @Test("malformed deltas are refused")
    func malformedDeltas() throws {
        #expect(throws: RoomError.malformed("unknown delta format 9")) { try PositionDelta(decoding: [0x09, 0x01, 0x00]) }
        // ids not ascending
        #expect(throws: RoomError.malformed("delta ids not ascending")) {
            try PositionDelta(decoding: [0x02, 0x05, 0x01, 0x02, 0x09, 0x00, 0x00, 0x05, 0x00, 0x00])
        }
        // a full table may not contain moves
        #expect(throws: RoomError.malformed("a full table may only set entries")) {
            try PositionDelta(decoding: [0x01, 0x05, 0x01, 0x05, 0x02, 0x02])
        }
        // a move of an entity the baseline lacks
        let orphanMove = try PositionDelta(decoding: [0x02, 0x05, 0x01, 0x01, 0x05, 0x02, 0x02])
        #expect(throws: RoomError.malformed("move of unknown entity 1")) { try orphanMove.apply(to: PositionTable()) }
        // truncated
        #expect(throws: RoomError.truncated) { try PositionDelta(decoding: [0x02, 0x05]) }
    }

    @Test("a recipient that drops deltas and acks still converges on the server's table")
    func lossyRecipientConverges() throws {
        var history = PositionHistory(length: 64)
        var mirror = PositionDeltaMirror(historyLength: 64)
        var random = DeterministicRandom(seed: 5)
        var server = PositionTable()
        var fullAfterBlackout: Bool?
        var received = 0
        let recipient: MemberID = "lossy"

        for tick in UInt64(1)...600 {
            // Cursors appear, move (small and large jumps) and disappear.
            for id in UInt32(0)..<12 where random.next(below: 100) < 40 {
                if random.next(below: 100) < 5 {
                    server.remove(id: id)
                } else if let old = server[id], random.next(below: 100) < 80 {
                    let x = Int32(old.x) + Int32(random.next(below: 21)) - 10
                    let y = Int32(old.y) + Int32(random.next(below: 21)) - 10
                    server.set(PositionEntry(id: id, x: UInt16(clamping: x), y: UInt16(clamping: y)))
                } else {
                    server.set(PositionEntry(id: id, x: UInt16(random.next(below: 4096)), y: UInt16(random.next(below: 4096))))
                }
            }
            history.record(tick: tick, table: server)
            let message = history.message(for: recipient, currentTick: tick, current: server)
            // 30 % of deltas are lost; 40 % of acks are lost; a 100-tick blackout
            // outlives the 64-tick history, so the server must fall back to a full table.
            let blackout = (300..<400).contains(tick)
            guard !blackout, random.next(below: 100) >= 30 else { continue }
            guard let ackTick = try mirror.receive(message.bytes) else { continue }
            if tick >= 400, fullAfterBlackout == nil { fullAfterBlackout = message.isFull }
            received += 1
            #expect(mirror.table == server, "diverged at tick \(tick)")
            if random.next(below: 100) >= 40 {
                try history.acknowledge(tick: ackTick, by: recipient)
            }
        }
        #expect(received > 200)
        #expect(fullAfterBlackout == true)
    }

    @Test("acknowledging a tick that does not exist yet is refused; stale acks are ignored")
    func acknowledgementRules() throws {
        var history = PositionHistory(length: 8)
        history.record(tick: 1, table: PositionTable())
        history.record(tick: 2, table: PositionTable())
        #expect(throws: RoomError.acknowledgementFromTheFuture(acked: 3, current: 2)) {
            try history.acknowledge(tick: 3, by: "a")
        }
        try history.acknowledge(tick: 2, by: "a")
        try history.acknowledge(tick: 1, by: "a")
        #expect(history.acknowledgedTick(of: "a") == 2)
    }

    @Test("the mirror refuses a delta against a baseline it never held")
    func mirrorMissingBaseline() {
        var mirror = PositionDeltaMirror()
        let old = PositionTable([PositionEntry(id: 1, x: 1, y: 1)])
        let message = PositionDeltaEncoder.encode(current: old, tick: 9, baseline: (tick: 8, table: PositionTable()))
        #expect(throws: RoomError.missingBaseline(tick: 8)) { try mirror.receive(message.bytes) }
    }
}
