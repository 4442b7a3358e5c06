import RoomEngine
import Testing

private struct Shot: Codable, Equatable {
    var x: UInt8
    var y: UInt8
}

private struct Everything: Codable, Equatable {
    var flag: Bool
    var small: Int8
    var medium: Int16
    var unsigned: UInt32
    var big: Int
    var ratio: Double
    var name: String
    var maybe: String?
    var absent: UInt8?
    var list: [Shot]
    var table: [String: UInt16]
    var numbers: [UInt8: Bool]
    var tags: Set<String>
    var nested: [[UInt8?]]
    var phase: Phase
    var event: Event
}

private enum Phase: UInt8, Codable { case waiting = 1, playing = 2 }

private enum Event: Codable, Equatable {
    case idle
    case shot(Shot, hit: Bool)
}

private enum Pick: Codable, Equatable {
    case picked(slot: UInt8, secret: UInt8?)
}

private indirect enum Tree: Codable, Equatable {
    case leaf
    case node(Tree)
}

private struct Bounded: CanonicalCodable, Equatable {
    var cell: UInt8
    func validate() throws(RoomError) {
        guard cell < 100 else { throw .outOfRange("cell \(cell)") }
    }
}

@Suite("Canonical encoding of Codable values")
struct CanonicalCodingTests {
    let encoder = CanonicalEncoder()
    let decoder = CanonicalDecoder()

    @Test("a struct is its fields sorted by key, each a string key, a length and the value")
    func structLayout() throws {
        #expect(try encoder.encode(Shot(x: 3, y: 4)) == [0x02, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04])
        #expect(try decoder.decode(Shot.self, from: [0x02, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04]) == Shot(x: 3, y: 4))
    }

    @Test("primitives: fixed-width little-endian integers, 0/1 booleans, floats by bit pattern, length-prefixed UTF-8")
    func primitives() throws {
        #expect(try encoder.encode(UInt16(0x0102)) == [0x02, 0x01])
        #expect(try encoder.encode(Int32(-2)) == [0xFE, 0xFF, 0xFF, 0xFF])
        #expect(try encoder.encode(Int(1)) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try encoder.encode(true) == [0x01])
        #expect(try encoder.encode(Float(1)) == [0x00, 0x00, 0x80, 0x3F])
        #expect(try encoder.encode("hé") == [0x03, 0x68, 0xC3, 0xA9])
        #expect(try encoder.encode([UInt8]([7, 8])) == [0x02, 0x07, 0x08])
        #expect(try encoder.encode(UInt8?.none) == [0x00])
        #expect(try encoder.encode(UInt8?.some(5)) == [0x01, 0x05])
        #expect(try encoder.encode(Phase.playing) == [0x02])
    }

    @Test("an enum case is a struct of one field named after the case")
    func enumLayout() throws {
        // {"idle": {}}
        #expect(try encoder.encode(Event.idle) == [0x01, 0x04] + Array("idle".utf8) + [0x01, 0x00])
        let shot = Event.shot(Shot(x: 1, y: 2), hit: true)
        let bytes = try encoder.encode(shot)
        #expect(try decoder.decode(Event.self, from: bytes) == shot)
        // {"shot": {"_0": {x, y}, "hit": true}}: "_0" sorts before "hit".
        #expect(Array(bytes.prefix(7)) == [0x01, 0x04] + Array("shot".utf8) + [UInt8(bytes.count - 7)])
        // A nil optional value is left out, as a nil optional field is (clients rely on it).
        let pick = Pick.picked(slot: 0, secret: nil)
        #expect(try encoder.encode(pick) == [0x01, 0x06] + Array("picked".utf8) + [0x08, 0x01, 0x04] + Array("slot".utf8) + [0x01, 0x00])
        #expect(try decoder.decode(Pick.self, from: encoder.encode(pick)) == pick)
    }

    @Test("dictionaries and sets are sorted by encoded key, whatever their insertion order")
    func dictionariesAreCanonical() throws {
        var forward: [String: UInt16] = [:]
        var backward: [String: UInt16] = [:]
        let keys = (0..<200).map { "key\($0)" }
        for (value, key) in keys.enumerated() { forward[key] = UInt16(value) }
        for (value, key) in keys.enumerated().reversed() { backward[key] = UInt16(value) }
        #expect(try encoder.encode(forward) == encoder.encode(backward))
        #expect(try encoder.encode(Set(keys)) == encoder.encode(Set(keys.reversed())))
        #expect(try encoder.encode(["b": UInt8(2), "a": 1]) == [0x02, 0x01, 0x61, 0x01, 0x01, 0x62, 0x02])
        #expect(try decoder.decode([String: UInt16].self, from: encoder.encode(forward)) == forward)
    }

    @Test("every supported shape round-trips, and equal values give equal bytes")
    func roundTrip() throws {
        let value = Everything(
            flag: true, small: -3, medium: 300, unsigned: 70_000, big: -1, ratio: 0.25, name: "fleet", maybe: "yes",
            absent: nil, list: [Shot(x: 1, y: 2), Shot(x: 3, y: 4)], table: ["a": 1, "b": 2], numbers: [3: true, 1: false],
            tags: ["x", "y", "z"], nested: [[1, nil], []], phase: .playing, event: .shot(Shot(x: 9, y: 9), hit: false)
        )
        let bytes = try encoder.encode(value)
        #expect(try decoder.decode(Everything.self, from: bytes) == value)
        var copy = value
        copy.table = ["b": 2, "a": 1]
        #expect(try encoder.encode(copy) == bytes)
    }

    @Test("hostile bytes are refused: truncation, trailing bytes, unknown, repeated and unordered fields, bad tags")
    func strictDecoding() throws {
        let good: [UInt8] = [0x02, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04]
        #expect(throws: RoomError.truncated) { try decoder.decode(Shot.self, from: Array(good.dropLast())) }
        #expect(throws: RoomError.malformed("1 trailing bytes")) { try decoder.decode(Shot.self, from: good + [0]) }
        // y before x
        #expect(throws: RoomError.self) {
            try decoder.decode(Shot.self, from: [0x02, 0x01, 0x79, 0x01, 0x04, 0x01, 0x78, 0x01, 0x03])
        }
        // an extra field "z"
        #expect(throws: RoomError.malformed("value: unknown field \"z\"")) {
            try decoder.decode(Shot.self, from: [0x03, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04, 0x01, 0x7A, 0x01, 0x00])
        }
        // x's value two bytes long
        #expect(throws: RoomError.self) {
            try decoder.decode(Shot.self, from: [0x02, 0x01, 0x78, 0x02, 0x03, 0x00, 0x01, 0x79, 0x01, 0x04])
        }
        #expect(throws: RoomError.malformed("boolean byte 2")) { try decoder.decode(Bool.self, from: [0x02]) }
        #expect(throws: RoomError.malformed("value: optional tag 2")) { try decoder.decode(UInt8?.self, from: [0x02, 0x01]) }
        #expect(throws: RoomError.malformed("string is not UTF-8")) { try decoder.decode(String.self, from: [0x02, 0xC3, 0x28]) }
        // keys out of order / repeated
        #expect(throws: RoomError.self) { try decoder.decode([String: UInt8].self, from: [0x02, 0x01, 0x62, 0x02, 0x01, 0x61, 0x01]) }
        #expect(throws: RoomError.self) { try decoder.decode(Set<UInt8>.self, from: [0x02, 0x05, 0x05]) }
        #expect(throws: RoomError.self) { try decoder.decode(Phase.self, from: [0x07]) }
    }

    @Test("a huge count or length is refused before anything is allocated")
    func boundedCounts() {
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: RoomError.self) { try decoder.decode([UInt8].self, from: huge) }
        #expect(throws: RoomError.self) { try decoder.decode([String: UInt8].self, from: huge) }
        #expect(throws: RoomError.self) { try decoder.decode(Shot.self, from: huge) }
        #expect(throws: RoomError.truncated) { try decoder.decode(String.self, from: huge) }
    }

    @Test("nesting deeper than maxDepth is refused")
    func depthLimit() throws {
        var tree = Tree.leaf
        for _ in 0..<100 { tree = .node(tree) }
        let bytes = try encoder.encode(tree)
        #expect(throws: RoomError.self) { try decoder.decode(Tree.self, from: bytes) }
        #expect(try CanonicalDecoder(maxDepth: 1000).decode(Tree.self, from: bytes) == tree)
    }

    @Test("validate() runs on every decoded CanonicalCodable value, nested ones included")
    func validation() throws {
        #expect(throws: RoomError.outOfRange("cell 200")) { try Bounded(decoding: Bounded(cell: 200).encodedBytes()) }
        let list = try encoder.encode([Bounded(cell: 1), Bounded(cell: 150)])
        #expect(throws: RoomError.outOfRange("cell 150")) { try decoder.decode([Bounded].self, from: list) }
        #expect(try Bounded(decoding: Bounded(cell: 42).encodedBytes()) == Bounded(cell: 42))
    }

    @Test("the engine's own values are Codable: identifiers as text, the random source as its words")
    func engineValues() throws {
        #expect(try encoder.encode(MemberID("ab")) == [0x02, 0x61, 0x62])
        var random = DeterministicRandom(seed: 5)
        _ = random.next()
        let bytes = try encoder.encode(random)
        #expect(bytes.count == 33)
        #expect(try decoder.decode(DeterministicRandom.self, from: bytes) == random)
        #expect(throws: RoomError.self) { try decoder.decode(DeterministicRandom.self, from: [0x04] + Array(repeating: 0, count: 32)) }
    }
}
