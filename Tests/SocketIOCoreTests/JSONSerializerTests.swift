import NIOCore
import SocketIOCore
import Testing

/// Expected strings are what `JSON.stringify` prints in Node.js for the same value.
@Suite("JSON serializer matches JSON.stringify")
struct JSONSerializerTests {
    /// Found by Tools/fuzz (fuzz-json): a number past a double's range parses
    /// as infinity (as `JSON.parse("1e400")` is `Infinity`) and serializes as
    /// `null` (as `JSON.stringify(Infinity)`): the round trip is not exact,
    /// exactly as in JavaScript; the fuzz property allows it, nothing else.
    @Test func aNumberPastADoublesRangeIsInfinityAndPrintsAsNull() throws {
        let value = try JSONValue(parsing: "[1e400, -777777777777777777e777]")
        guard case .array(let items) = value, items.count == 2,
              case .double(let first) = items[0], case .double(let second) = items[1] else {
            Issue.record("not two doubles: \(value)")
            return
        }
        #expect(first == .infinity && second == -.infinity)
        #expect(value.jsonString == "[null,null]")
    }

    @Test func scalars() {
        #expect(serialized(.null) == "null")
        #expect(serialized(true) == "true")
        #expect(serialized(false) == "false")
        #expect(serialized(.int(0)) == "0")
        #expect(serialized(.int(-42)) == "-42")
        #expect(serialized(.int(.max)) == "9223372036854775807")
        #expect(serialized(.int(.min)) == "-9223372036854775808")
    }

    @Test(arguments: [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (100.0, "100"),
        (-1.5, "-1.5"),
        (0.5, "0.5"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (4.35, "4.35"),
        (123.456, "123.456"),
        (12345678.9, "12345678.9"),
        (9_007_199_254_740_992.0, "9007199254740992"),
        (9_007_199_254_740_994.0, "9007199254740994"),
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (12345678901234567890.0, "12345678901234567000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e300, "1e+300"),
        (-1e300, "-1e+300"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (0.000001, "0.000001"),
        (0.000001234, "0.000001234"),
        (1.2e-5, "0.000012"),
        (-0.0001, "-0.0001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (-1e-7, "-1e-7"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (Double.nan, "null"),
        (Double.infinity, "null"),
        (-Double.infinity, "null"),
    ] as [(Double, String)])
    func doubles(_ value: Double, _ expected: String) {
        #expect(serialized(.double(value)) == expected)
    }

    @Test func stringEscapes() {
        #expect(serialized("plain") == #""plain""#)
        #expect(serialized("") == #""""#)
        #expect(serialized("a\"b\\c/d") == #""a\"b\\c/d""#)
        #expect(serialized("\u{8}\u{9}\u{A}\u{C}\u{D}") == #""\b\t\n\f\r""#)
        #expect(serialized("\u{0}\u{1}\u{B}\u{E}\u{1F}") == #""\u0000\u0001\u000b\u000e\u001f""#)
    }

    @Test func nonControlCharactersAreWrittenRaw() {
        // DEL, U+2028/U+2029 and everything non-ASCII are not escaped by JSON.stringify.
        let text = "\u{7F}\u{2028}\u{2029}é😀日本"
        #expect(serializedBytes(.string(text)) == [0x22] + Array(text.utf8) + [0x22])
        #expect(serializedBytes("😀") == [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])
    }

    @Test func containers() {
        #expect(serialized([]) == "[]")
        #expect(serialized([:]) == "{}")
        #expect(serialized([1, "two", 3.5, nil, true, [], [:]]) == #"[1,"two",3.5,null,true,[],{}]"#)
        #expect(serialized(["z": 1, "a": ["b": [1, 2]], "m": nil]) == #"{"z":1,"a":{"b":[1,2]},"m":null}"#)
        #expect(serialized(["quo\"te": "new\nline"]) == #"{"quo\"te":"new\nline"}"#)
    }

    @Test func binaryStandaloneIsWrittenLikeANodeBuffer() {
        #expect(serialized(.binary(buffer(bytes: [1, 2, 255]))) == #"{"type":"Buffer","data":[1,2,255]}"#)
        #expect(serialized(.binary(ByteBuffer())) == #"{"type":"Buffer","data":[]}"#)
    }

    @Test func appendsAfterExistingContent() {
        var out = ByteBuffer(string: "42")
        let written = out.writeJSON(["hello", 1])
        #expect(written == 11)
        #expect(String(buffer: out) == #"42["hello",1]"#)
    }

    @Test func jsonStringAndDescription() {
        let value: JSONValue = ["a": [1, 2.5]]
        #expect(value.jsonString == #"{"a":[1,2.5]}"#)
        #expect(value.description == #"{"a":[1,2.5]}"#)
    }
}

@Suite("JSON round trips")
struct JSONRoundTripTests {
    /// Input text and what `JSON.stringify(JSON.parse(input))` prints.
    @Test(arguments: [
        (#"{"a":[1,2.0,-0,1e300,"x"]}"#, #"{"a":[1,2,0,1e+300,"x"]}"#),
        (" [ 1 , 2 ] ", "[1,2]"),
        ("12345678901234567890", "12345678901234567000"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("1E2", "100"),
        ("0.00001", "0.00001"),
        ("1e-7", "1e-7"),
        (#""\ud83d\ude00 \u00e9""#, "\"😀 é\""),
        (#""\u001f\u007f\/""#, "\"\\u001f\u{7F}/\""),
        (#""\ud800""#, "\"\u{FFFD}\""),
        (#"{"b":1,"a":2,"b":3}"#, #"{"b":3,"a":2}"#),
    ])
    func parseThenSerialize(_ input: String, _ expected: String) throws {
        #expect(serialized(try parse(input)) == expected)
    }

    @Test func valuesSurviveSerializeThenParse() throws {
        let value: JSONValue = [
            "int": .int(-9_223_372_036_854_775_807),
            "double": .double(0.1),
            "tiny": .double(.leastNonzeroMagnitude),
            "huge": .double(1.7976931348623157e308),
            "text": "line\nbreak \"quoted\" 😀 \u{0}",
            "nested": [[[]], [:], nil, false],
        ]
        #expect(try parse(serialized(value)) == value)
    }

    @Test func integralDoublesComeBackAsInts() throws {
        // JavaScript has one number type: 2.0 is written "2" and read back as an integer.
        #expect(try parse(serialized(.double(2))) == .int(2))
        #expect(try parse(serialized(.double(-0.0))) == .int(0))
    }
}

/// Larger inputs: exercise the serializer's write buffer (flushes, large
/// strings written directly) and the parser's element stacks (growth beyond
/// their stack-allocated start, errors with elements still collected).
@Suite("JSON at scale")
struct JSONScaleTests {
    /// A straightforward escaper used as an oracle for generated inputs.
    static func naiveQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func stringsOfEveryLengthAroundBlockAndChunkBoundaries() throws {
        let specials = ["\"", "\\", "\n", "\u{1}", "\u{1F}", " ", "\u{7F}", "é", "😀"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 511, 512, 513, 1023, 1024, 1025, 3000] {
            for special in specials {
                var text = String(repeating: "a", count: length)
                text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: length / 2))
                #expect(serialized(.string(text)) == Self.naiveQuoted(text), "length \(length)")
                #expect(try parse(Self.naiveQuoted(text)) == .string(text), "length \(length)")
            }
        }
    }

    @Test func largeDocumentMatchesPieceBySerialization() throws {
        var elements: [JSONValue] = []
        var expectedPieces: [String] = []
        for index in 0..<500 {
            let text = String(repeating: "x\(index)\"", count: index % 7)
            elements.append(["i": .int(Int64(index)), "d": .double(Double(index) + 0.25), "s": .string(text)])
            expectedPieces.append(#"{"i":\#(index),"d":\#(index).25,"s":\#(Self.naiveQuoted(text))}"#)
        }
        let value = JSONValue.array(elements)
        let expected = "[" + expectedPieces.joined(separator: ",") + "]"
        #expect(serialized(value) == expected)
        #expect(try parse(expected) == value)

        var prefixed = ByteBuffer(string: "42")
        prefixed.writeJSON(value)
        #expect(String(buffer: prefixed) == "42" + expected)
    }

    @Test func wideAndDeepContainersBeyondTheInitialStacks() throws {
        let row: JSONValue = .array((0..<30).map { .int(Int64($0)) })
        let rows = JSONValue.array(Array(repeating: row, count: 100))
        let object = JSONValue.object(JSONObject((0..<50).map { ("key\($0)", rows) }))
        let nested: JSONValue = ["outer": [object, ["inner": object]]]
        let text = serialized(nested)
        let parsed = try parse(text)
        #expect(parsed == nested)
        #expect(parsed["outer"]?[1]?["inner"]?["key49"]?[99]?[29] == .int(29))
    }

    @Test func errorsWithManyCollectedElementsAreClean() {
        let elements = (0..<200).map { #"{"k\#($0)":[\#($0),"v"]}"# }.joined(separator: ",")
        #expect(parseError("[\(elements),]")?.reason == .unexpectedByte(UInt8(ascii: "]")))
        #expect(parseError("[\(elements)")?.reason == .unexpectedEndOfInput)
        #expect(parseError(#"{"a":[\#(elements)],"b":tru}"#)?.reason == .unexpectedByte(UInt8(ascii: "}")))
    }
}
