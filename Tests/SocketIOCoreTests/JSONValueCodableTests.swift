import Foundation
import NIOCore
import SocketIOCore
import Testing

private struct Move: Codable, Equatable {
    var player: String
    var x: Int
    var y: Double
    var note: String?
    var tags: [String]
}

private struct Upload: Codable, Equatable {
    var name: String
    var file: ByteBuffer
    var thumbnail: Data?
    var extra: JSONValue
}

private struct AllNumbers: Codable, Equatable {
    var i8: Int8 = -8
    var i16: Int16 = -16
    var i32: Int32 = -32
    var i64: Int64 = .min
    var u: UInt = 7
    var u8: UInt8 = 8
    var u16: UInt16 = 16
    var u32: UInt32 = 32
    var u64: UInt64 = 64
    var f: Float = 0.1
    var d: Double = 0.1
}

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case polygon([Int?])
    case empty
}

private enum Color: String, Codable {
    case red, green
}

private class Base: Codable {
    var id: Int
    init(id: Int) { self.id = id }
}

private final class Derived: Base {
    var name: String

    init(id: Int, name: String) {
        self.name = name
        super.init(id: id)
    }

    private enum CodingKeys: String, CodingKey { case name }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try super.encode(to: container.superEncoder())
    }
}

@Suite("Codable bridge")
struct JSONValueCodableTests {
    let encoder = JSONValueEncoder()
    let decoder = JSONValueDecoder()

    @Test func structKeepsPropertyOrderAndOmitsNilOptionals() throws {
        let move = Move(player: "p1", x: 3, y: 2.5, note: nil, tags: ["a", "b"])
        let value = try self.encoder.encode(move)
        #expect(value == ["player": "p1", "x": 3, "y": 2.5, "tags": ["a", "b"]])
        #expect(value["note"] == nil)
        #expect(serialized(value) == #"{"player":"p1","x":3,"y":2.5,"tags":["a","b"]}"#)
        #expect(try self.decoder.decode(Move.self, from: value) == move)

        let noted = Move(player: "p2", x: -1, y: 0, note: "hi", tags: [])
        #expect(serialized(try self.encoder.encode(noted)) == #"{"player":"p2","x":-1,"y":0,"note":"hi","tags":[]}"#)
        #expect(try self.decoder.decode(Move.self, from: try self.encoder.encode(noted)) == noted)
    }

    @Test func optionalsInArraysBecomeNull() throws {
        let values: [Int?] = [1, nil, 3]
        #expect(try self.encoder.encode(values) == [1, nil, 3])
        #expect(try self.decoder.decode([Int?].self, from: [1, nil, 3]) == values)
    }

    @Test func nullAndAbsentBothDecodeAsNil() throws {
        #expect(try self.decoder.decode(Move.self, from: ["player": "p", "x": 1, "y": 1, "note": nil, "tags": []]).note == nil)
        #expect(try self.decoder.decode(Move.self, from: ["player": "p", "x": 1, "y": 1, "tags": []]).note == nil)
    }

    @Test func binaryPropertiesBecomeBinaryValues() throws {
        let upload = Upload(
            name: "cat.png",
            file: buffer(bytes: [0x89, 0x50]),
            thumbnail: Data([1, 2, 3]),
            extra: ["w": 10, "h": nil]
        )
        let value = try self.encoder.encode(upload)
        #expect(value == [
            "name": "cat.png",
            "file": .binary(buffer(bytes: [0x89, 0x50])),
            "thumbnail": .binary(buffer(bytes: [1, 2, 3])),
            "extra": ["w": 10, "h": nil],
        ])
        #expect(try self.decoder.decode(Upload.self, from: value) == upload)
    }

    @Test func typedEventWithBinaryTravelsAsAttachments() throws {
        let upload = Upload(name: "a", file: buffer(bytes: [1, 2]), thumbnail: Data([3]), extra: [1.5])
        let packet = SocketIOPacket.event("upload", [try self.encoder.encode(upload)], ackID: 4)
        let encoded = try SocketIOPacketEncoder().encode(packet)
        #expect(String(buffer: encoded.header)
            == #"52-4["upload",{"name":"a","file":{"_placeholder":true,"num":0},"thumbnail":{"_placeholder":true,"num":1},"extra":[1.5]}]"#)
        #expect(encoded.attachments == [buffer(bytes: [1, 2]), buffer(bytes: [3])])

        var packetDecoder = SocketIOPacketDecoder()
        _ = try packetDecoder.receive(text: encoded.header)
        _ = try packetDecoder.receive(binary: encoded.attachments[0])
        guard case .packet(let received) = try packetDecoder.receive(binary: encoded.attachments[1]) else {
            Issue.record("expected a complete packet")
            return
        }
        #expect(received.eventName == "upload")
        let argument = try #require(received.arguments.first)
        #expect(try self.decoder.decode(Upload.self, from: argument) == upload)
    }

    @Test func numbersKeepTheirKind() throws {
        let value = try self.encoder.encode(AllNumbers())
        #expect(value["i8"] == .int(-8))
        #expect(value["i64"] == .int(.min))
        #expect(value["u64"] == .int(64))
        #expect(value["f"] == .double(0.1))  // widened via its shortest decimal form
        #expect(value["d"] == .double(0.1))
        #expect(try self.decoder.decode(AllNumbers.self, from: value) == AllNumbers())
        #expect(try self.encoder.encode(UInt64.max) == .double(18_446_744_073_709_551_616))  // 2^64, as JavaScript sees it
        #expect(try self.encoder.encode(Int.max) == .int(.max))
        #expect(try self.encoder.encode(1.0) == .double(1))
    }

    @Test func lenientButExactNumberDecoding() throws {
        #expect(try self.decoder.decode(Int.self, from: .double(1e3)) == 1000)
        #expect(try self.decoder.decode(Double.self, from: .int(2)) == 2)
        #expect(try self.decoder.decode(Float.self, from: .double(0.5)) == 0.5)
        #expect(throws: DecodingError.self) { try self.decoder.decode(Int.self, from: .double(1.5)) }
        #expect(throws: DecodingError.self) { try self.decoder.decode(Int8.self, from: .int(300)) }
        #expect(throws: DecodingError.self) { try self.decoder.decode(UInt.self, from: .int(-1)) }
        #expect(throws: DecodingError.self) { try self.decoder.decode(Float.self, from: .double(1e300)) }
    }

    @Test func decodingErrorsCarryTheCodingPath() throws {
        do {
            _ = try self.decoder.decode(Move.self, from: ["player": "p", "x": "three", "y": 1, "tags": []])
            Issue.record("expected a type mismatch")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["x"])
        }
        do {
            _ = try self.decoder.decode(Move.self, from: ["player": "p", "x": 1, "y": 1, "tags": ["a", 2]])
            Issue.record("expected a type mismatch")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["tags", "Index 1"])
        }
        do {
            _ = try self.decoder.decode(Move.self, from: ["x": 1, "y": 1, "tags": []])
            Issue.record("expected a missing key")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "player")
        }
        do {
            _ = try self.decoder.decode(Move.self, from: ["player": nil, "x": 1, "y": 1, "tags": []])
            Issue.record("expected a missing value")
        } catch DecodingError.valueNotFound(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["player"])
        }
        #expect(throws: DecodingError.self) { try self.decoder.decode(Move.self, from: ["not", "an", "object"]) }
        #expect(throws: DecodingError.self) { try self.decoder.decode(ByteBuffer.self, from: [1, 2]) }
    }

    @Test func enumsAndNestedContainers() throws {
        let shapes: [Shape] = [.circle(radius: 1.5), .polygon([1, nil, 3]), .empty]
        let value = try self.encoder.encode(shapes)
        #expect(value[0] == ["circle": ["radius": 1.5]])
        #expect(value[1] == ["polygon": ["_0": [1, nil, 3]]])
        #expect(try self.decoder.decode([Shape].self, from: value) == shapes)
        #expect(try self.encoder.encode([Color.red, .green]) == ["red", "green"])
        #expect(try self.decoder.decode(Color.self, from: "green") == .green)
    }

    @Test func dictionariesAndJSONValuePassThrough() throws {
        let dictionary = ["b": 2, "a": 1]
        let value = try self.encoder.encode(dictionary)
        #expect(value.objectValue?.count == 2)
        #expect(value["a"] == .int(1))
        #expect(try self.decoder.decode([String: Int].self, from: value) == dictionary)

        let raw: JSONValue = ["z": [1, 2.5, nil], "a": .binary(buffer(bytes: [9]))]
        #expect(try self.encoder.encode(raw) == raw)
        #expect(try self.decoder.decode(JSONValue.self, from: raw) == raw)
        #expect(try self.encoder.encode(["wrapped": raw]) == ["wrapped": raw])
        #expect(try self.decoder.decode([String: JSONValue].self, from: ["wrapped": raw]) == ["wrapped": raw])
    }

    @Test func byteArraysStayArraysOfNumbers() throws {
        #expect(try self.encoder.encode([UInt8]([1, 2])) == [1, 2])
    }

    @Test func superEncoderUsesTheSuperKey() throws {
        let value = try self.encoder.encode(Derived(id: 5, name: "d"))
        #expect(value == ["name": "d", "super": ["id": 5]])
        let decoded = try self.decoder.decode(Derived.self, from: value)
        #expect(decoded.id == 5)
        #expect(decoded.name == "d")
    }

    @Test func jsonValueWorksWithFoundationCoders() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": -3]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":[1,2.5,"x",null,true],"b":{"c":-3}}"#)
        let roundTripped = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(roundTripped["a"] == [1, 2.5, "x", nil, true])
        #expect(roundTripped["b"] == ["c": -3])
        let binary = try encoder.encode(JSONValue.binary(buffer(bytes: [1, 2])))
        #expect(String(decoding: binary, as: UTF8.self) == #"{"data":[1,2],"type":"Buffer"}"#)
    }
}
