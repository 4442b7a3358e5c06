import NIOCore
import SocketIOCore
import Testing

@Suite("JSONValue and JSONObject")
struct JSONValueTests {
    @Test func literalsBuildTheExpectedCases() {
        let value: JSONValue = ["s", 1, 1.0, true, nil, ["k": "v"]]
        #expect(value == .array([.string("s"), .int(1), .double(1), .bool(true), .null, .object(JSONObject([("k", .string("v"))]))]))
    }

    @Test func intAndDoubleAreDistinct() {
        #expect(JSONValue.int(1) != JSONValue.double(1))
        #expect(JSONValue.double(0) == JSONValue.double(-0.0))
        #expect(Set<JSONValue>([.int(1), .double(1), .int(1)]).count == 2)
    }

    @Test func accessors() {
        let value: JSONValue = ["name": "x", "n": 3, "d": 1e3, "f": 1.5, "b": false, "z": nil, "list": [1]]
        #expect(value["name"]?.stringValue == "x")
        #expect(value["n"]?.int64Value == 3)
        #expect(value["d"]?.int64Value == 1000)
        #expect(value["f"]?.int64Value == nil)
        #expect(value["f"]?.doubleValue == 1.5)
        #expect(value["n"]?.doubleValue == 3)
        #expect(value["b"]?.boolValue == false)
        #expect(value["z"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["list"]?[0] == .int(1))
        #expect(value["list"]?[1] == nil)
        #expect(value["list"]?[-1] == nil)
        #expect(value[0] == nil)  // not an array
        #expect(JSONValue.string("a")["key"] == nil)  // not an object
        #expect(value["list"]?.arrayValue == [1])
        #expect(value.objectValue?.count == 7)
        #expect(JSONValue.int(1).stringValue == nil)
    }

    @Test func binaryDetection() {
        let bytes = buffer(bytes: [1, 2])
        #expect(JSONValue.binary(bytes).binaryValue == bytes)
        let nested: JSONValue = ["a", ["b": [.binary(bytes), ["c": .binary(bytes)]]], .binary(bytes)]
        #expect(nested.containsBinary)
        #expect(nested.binaryCount == 3)
        let plain: JSONValue = ["a", ["b": [1, ["c": nil]]]]
        #expect(!plain.containsBinary)
        #expect(plain.binaryCount == 0)
    }

    @Test func objectPreservesInsertionOrder() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = "three"
        #expect(object.keys == ["b", "a", "c"])
        object["b"] = 10
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == .int(10))
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object.map(\.key) == ["b", "c"])
        #expect(object.updateValue(.null, forKey: "c") == .string("three"))
        #expect(object["c"] == .null)
        #expect(object.removeValue(forKey: "nope") == nil)
    }

    @Test func objectEqualityIsOrderSensitive() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == JSONObject([("a", 1), ("b", 2)]))
        #expect(ab.hashValue == JSONObject([("a", 1), ("b", 2)]).hashValue)
    }

    @Test func largeObjectIndexSurvivesRemoval() {
        var object = JSONObject()
        for index in 0..<40 {
            object["key\(index)"] = .int(Int64(index))
        }
        #expect(object["key25"] == .int(25))
        object["key3"] = nil
        #expect(object.count == 39)
        #expect(object["key25"] == .int(25))
        #expect(object.index(forKey: "key25") == 24)
        #expect(object["key3"] == nil)
        for index in 0..<30 {
            object["key\(index)"] = nil
        }
        #expect(object.count == 10)
        #expect(object["key35"] == .int(35))
        #expect(object.index(forKey: "key30") == 0)
        #expect(object == JSONObject((30..<40).map { ("key\($0)", .int(Int64($0))) }))
    }

    @Test func duplicateLiteralKeysKeepFirstPosition() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .int(3))
    }
}
