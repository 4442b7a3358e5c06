import RoomEngine
import Testing
@testable import WhiteboardRoom

extension Array {
    /// An element drawn with the room's own random source (nil when empty).
    fileprivate func pick(_ random: inout DeterministicRandom) -> Element? {
        isEmpty ? nil : self[Int(random.next(below: UInt64(count)))]
    }
}

/// The whiteboard's fingerprint (what recordings keep per tick): its byte
/// definition, digests kept up to date by every operation, and agreement
/// with the state it stands for.
@Suite("Whiteboard fingerprint")
struct WhiteboardFingerprintTests {
    private func points(_ values: [(UInt16, UInt16)]) -> [CanvasPoint] {
        values.map { CanvasPoint(x: $0.0, y: $0.1) }
    }

    /// FNV-1a-64 of `bytes` written by `write`.
    private func fnv(_ write: (inout BinaryWriter) -> Void) -> UInt64 {
        var writer = BinaryWriter()
        write(&writer)
        return StateHash.fnv1a64(writer.bytes)
    }

    @Test("the fingerprint is FNV-1a-64 over the layout its documentation gives, byte for byte")
    func definition() throws {
        var state = WhiteboardState(seed: 9)
        try state.apply(.memberJoined(slot: 0, member: "ada", color: 0x112233))
        try state.apply(.memberJoined(slot: 3, member: "bo", color: 0x445566))
        state.moveCursor(of: 3, to: CanvasPoint(x: 7, y: 8))
        let first = points([(1, 2), (300, 4000)])
        let second = points([(5, 6)])
        try state.apply(.strokeBegan(slot: 0, id: 300, color: 0xABCDEF, width: 4))
        try state.apply(.pointsAppended(slot: 0, id: 300, points: first))
        try state.apply(.strokeCommitted(slot: 0, id: 300))
        try state.apply(.strokeBegan(slot: 3, id: 1, color: 0x0000FF, width: 64))
        try state.apply(.pointsAppended(slot: 3, id: 1, points: second))
        try state.apply(.pointsAppended(slot: 3, id: 1, points: first))
        let shape = Shape(id: 2, kind: .ellipse, bounds: ShapeBounds(from: CanvasPoint(x: 9, y: 9), to: CanvasPoint(x: 20, y: 30)), color: 5)
        try state.apply(.shapeAdded(shape))

        // The points' digest: their bytes, u16 LE x then y.
        func pointsDigest(_ run: [CanvasPoint]) -> UInt64 {
            StateHash.fnv1a64(run.flatMap { [UInt8($0.x & 0xFF), UInt8($0.x >> 8), UInt8($0.y & 0xFF), UInt8($0.y >> 8)] })
        }
        let committedStroke = fnv { w in
            w.writeVarint(0); w.writeVarint(300); w.writeUInt32(0xABCDEF); w.writeUInt8(4)
            w.writeVarint(2); w.writeUInt64(pointsDigest(first))
        }
        let committed = fnv { $0.writeUInt64(committedStroke) }
        let expected = fnv { w in
            w.writeVarint(2)
            state.members.forEach { $0.encode(into: &w) }
            w.writeVarint(1); w.writeUInt64(committed)
            w.writeVarint(1)
            w.writeVarint(3); w.writeVarint(1); w.writeUInt32(0x0000FF); w.writeUInt8(64)
            w.writeVarint(3); w.writeUInt64(pointsDigest(second + first))
            w.writeVarint(1); shape.encode(into: &w)
            state.random.encode(into: &w)
        }
        #expect(state.fingerprint == expected)
        #expect(state.committedStrokesDigest == committed)
        #expect(state.fingerprint != state.stateHash, "a fingerprint is not the canonical bytes' hash")
    }

    @Test("random operations: kept digests equal the content's, a decoded board has the same fingerprint, equal boards equal fingerprints and different boards different ones")
    func randomOperations() throws {
        for seed in UInt64(1)...8 {
            var random = DeterministicRandom(seed: seed)
            var state = WhiteboardState(seed: seed)
            var byFingerprint: [UInt64: [UInt8]] = [:]
            var nextStroke: UInt32 = 1, nextShape: UInt32 = 1
            for step in 0..<600 {
                let slot = UInt16(random.next(below: 4))
                let member = state.members.first { $0.slot == slot }
                let open = state.openStrokes.filter { $0.authorSlot == slot }
                let run = (0..<Int(random.next(below: 40))).map { _ in
                    CanvasPoint(x: UInt16(random.next(below: 4096)), y: UInt16(random.next(below: 4096)))
                }
                var operation: WhiteboardOperation?
                switch random.next(below: 20) {
                case 0: operation = member == nil ? .memberJoined(slot: slot, member: MemberID("m\(slot)"), color: UInt32(slot)) : nil
                case 1: operation = member != nil ? .memberLeft(slot: slot) : nil
                case 2, 3: if member != nil { operation = .strokeBegan(slot: slot, id: nextStroke, color: 7, width: 2); nextStroke += 1 }
                case 4, 5, 6, 7: operation = open.pick(&random).map { .pointsAppended(slot: slot, id: $0.id, points: run) }
                case 8, 9: operation = open.pick(&random).map { .strokeCommitted(slot: slot, id: $0.id) }
                case 10: operation = open.pick(&random).map { .strokeAbandoned(slot: slot, id: $0.id) }
                case 11: operation = .shapeAdded(Shape(id: nextShape, kind: .line, bounds: ShapeBounds(from: run.first ?? CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 1, y: 1)), color: 3)); nextShape += 1
                case 12: operation = state.shapes.pick(&random).map { .shapeMoved(id: $0.id, bounds: ShapeBounds(from: CanvasPoint(x: 2, y: 2), to: CanvasPoint(x: UInt16(step % 4096), y: 3))) }
                case 13: operation = state.shapes.pick(&random).map { .shapeDeleted(id: $0.id) }
                case 14: operation = random.next(below: 10) == 0 ? .cleared : nil
                case 15, 16: if member != nil { state.moveCursor(of: slot, to: CanvasPoint(x: UInt16(step % 4096), y: 1)) }
                default: _ = state.draw(below: 1000)
                }
                if let operation { try? state.apply(operation) }

                let content = WhiteboardState.digests(strokes: state.strokes, openStrokes: state.openStrokes)
                #expect(state.committedStrokesDigest == content.committed, "seed \(seed) step \(step)")
                #expect(state.openPointDigests == content.open, "seed \(seed) step \(step)")
                let bytes = state.encodeState()
                let decoded = try WhiteboardState.decodeState(bytes)
                #expect(decoded.fingerprint == state.fingerprint, "seed \(seed) step \(step)")
                if let seen = byFingerprint[state.fingerprint] {
                    #expect(seen == bytes, "two different boards share a fingerprint (seed \(seed) step \(step))")
                } else {
                    byFingerprint[state.fingerprint] = bytes
                }
            }
            #expect(byFingerprint.count > 200, "the sequence changed the board often enough (\(byFingerprint.count))")
        }
    }

    @Test("a change anywhere changes the fingerprint: a cursor, a point of a committed stroke, an open stroke's point, a shape, the random source")
    func everyPartCounts() throws {
        var state = WhiteboardState(seed: 1)
        try state.apply(.memberJoined(slot: 0, member: "ada", color: 1))
        try state.apply(.strokeBegan(slot: 0, id: 1, color: 1, width: 1))
        try state.apply(.pointsAppended(slot: 0, id: 1, points: points([(1, 1), (2, 2)])))
        try state.apply(.strokeCommitted(slot: 0, id: 1))
        try state.apply(.strokeBegan(slot: 0, id: 2, color: 1, width: 1))
        try state.apply(.pointsAppended(slot: 0, id: 2, points: points([(3, 3)])))
        let base = state.fingerprint

        var cursor = state
        cursor.moveCursor(of: 0, to: CanvasPoint(x: 5, y: 5))
        // The same committed stroke with one point moved, built the same way.
        var committedPoint = WhiteboardState(seed: 1)
        try committedPoint.apply(.memberJoined(slot: 0, member: "ada", color: 1))
        try committedPoint.apply(.strokeBegan(slot: 0, id: 1, color: 1, width: 1))
        try committedPoint.apply(.pointsAppended(slot: 0, id: 1, points: points([(1, 1), (2, 3)])))
        try committedPoint.apply(.strokeCommitted(slot: 0, id: 1))
        try committedPoint.apply(.strokeBegan(slot: 0, id: 2, color: 1, width: 1))
        try committedPoint.apply(.pointsAppended(slot: 0, id: 2, points: points([(3, 3)])))
        var openPoint = state
        try openPoint.apply(.pointsAppended(slot: 0, id: 2, points: points([(4, 4)])))
        var shape = state
        try shape.apply(.shapeAdded(Shape(id: 1, kind: .rectangle, bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 1, y: 1)), color: 1)))
        var random = state
        _ = random.draw(below: 10)

        let variants = [cursor, committedPoint, openPoint, shape, random]
        for variant in variants { #expect(variant.fingerprint != base) }
        #expect(Set(variants.map(\.fingerprint)).count == variants.count)
    }
}
