import NIOCore
import SocketIOCore
import Testing

@Suite("JSON parser: scalars and numbers")
struct JSONParserNumberTests {
    @Test func literals() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse(" \t\r\n true \n") == .bool(true))
    }

    @Test func integersStayIntegers() throws {
        #expect(try parse("0") == .int(0))
        #expect(try parse("1") == .int(1))
        #expect(try parse("-1") == .int(-1))
        #expect(try parse("1234567890") == .int(1_234_567_890))
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
    }

    @Test func numbersWithFractionOrExponentAreDoubles() throws {
        #expect(try parse("1.0") == .double(1.0))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-1.5") == .double(-1.5))
        #expect(try parse("1e2") == .double(100))
        #expect(try parse("1E+2") == .double(100))
        #expect(try parse("1e-2") == .double(0.01))
        #expect(try parse("0.1") == .double(0.1))
        #expect(try parse("0.30000000000000004") == .double(0.1 + 0.2))
        #expect(try parse("0e999") == .double(0))
    }

    @Test func negativeZeroIsADoubleWithItsSign() throws {
        #expect(isNegativeZero(try parse("-0")))
        #expect(isNegativeZero(try parse("-0.0")))
        #expect(isNegativeZero(try parse("-0e5")))
        #expect(!isNegativeZero(try parse("0")))
        #expect(try parse("0") == .int(0))
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_808))  // -2^63 - 1 rounds to -2^63
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func extremeMagnitudesRoundCorrectly() throws {
        #expect(try parse("1e300") == .double(1e300))
        #expect(try parse("-1e300") == .double(-1e300))
        #expect(try parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try parse("2.2250738585072014e-308") == .double(2.2250738585072014e-308))
        #expect(try parse("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(try parse("1e400") == .double(.infinity))  // like JSON.parse: Infinity
        #expect(try parse("-1e400") == .double(-.infinity))
        #expect(try parse("1e-400") == .double(0))
        #expect(try parse("3.141592653589793238462643383279") == .double(.pi))
        // 17 significant digits: beyond the exact fast path.
        #expect(try parse("9007199254740993.0") == .double(9_007_199_254_740_992))
        // Exactly halfway between 1 and the next double: ties to even. One more digit tips it.
        #expect(try parse("1.00000000000000011102230246251565404236316680908203125") == .double(1.0))
        #expect(try parse("1.00000000000000011102230246251565404236316680908203126") == .double(1.0000000000000002))
    }

    @Test(arguments: ["01", "-01", "00"])
    func leadingZerosLeaveTrailingData(_ text: String) {
        #expect(parseError(text)?.reason == .trailingData)
    }

    @Test(arguments: ["-", "1.", "1.e3", "1e", "1e+", "1E-", "-a", "--1"])
    func malformedNumbers(_ text: String) {
        #expect(parseError(text)?.reason == .invalidNumber)
    }

    @Test(arguments: ["+1", ".5", "Infinity", "NaN", "0x10", "'a'", "undefined", "nul", "tru", "True"])
    func notJSONValues(_ text: String) {
        #expect(parseError(text) != nil)
    }

    @Test func truncatedLiteralReportsEndOfInput() {
        #expect(parseError("nul") == JSONParseError(.unexpectedEndOfInput, at: 3))
        #expect(parseError("nulx") == JSONParseError(.unexpectedByte(UInt8(ascii: "x")), at: 3))
    }
}

@Suite("JSON parser: strings and UTF-8")
struct JSONParserStringTests {
    @Test func plainAndEscapedStrings() throws {
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse(#""hello""#) == .string("hello"))
        #expect(try parse(#""a\"b\\c\/d""#) == .string("a\"b\\c/d"))
        #expect(try parse(#""\b\f\n\r\t""#) == .string("\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse(#""x\u2028y""#) == .string("x\u{2028}y"))
    }

    @Test func surrogatePairEscapesCombine() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\uD83D\uDE00!""#) == .string("😀!"))
    }

    @Test func loneSurrogateEscapesBecomeReplacementCharacter() throws {
        #expect(try parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try parse(#""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
        #expect(try parse(#""\ude00\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
    }

    @Test func rawUTF8IsKept() throws {
        #expect(try parse("\"héllo wörld 😀 日本\"") == .string("héllo wörld 😀 日本"))
        #expect(try parse("\"😀\\n😀\"") == .string("😀\n😀"))
    }

    @Test func rawControlCharactersAreRejected() {
        #expect(parseError("\"a\nb\"") == JSONParseError(.unescapedControlCharacter, at: 2))
        #expect(parseError("\"a\u{0}\"")?.reason == .unescapedControlCharacter)
        #expect(parseError("\"\\n\u{1F}\"")?.reason == .unescapedControlCharacter)
    }

    @Test func badEscapes() {
        #expect(parseError(#""\x""#) == JSONParseError(.invalidEscape, at: 1))
        #expect(parseError(#""\u12G4""#)?.reason == .invalidEscape)
        #expect(parseError(#""\'""#)?.reason == .invalidEscape)
        #expect(parseError(#""\u12""#)?.reason == .unexpectedEndOfInput)
        #expect(parseError(#""abc"#)?.reason == .unexpectedEndOfInput)
        #expect(parseError(#""abc\"#)?.reason == .unexpectedEndOfInput)
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],  // never valid
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // truncated euro sign
        [0x22, 0x5C, 0x6E, 0xC3, 0x22],  // truncated after an escape (slow path)
        [0x22, 0xE2, 0x82],  // truncated at end of input
    ] as [[UInt8]])
    func invalidUTF8IsRejected(_ bytes: [UInt8]) {
        #expect(parseError(bytes: bytes)?.reason == .invalidUTF8)
    }

    @Test func invalidByteOutsideStrings() {
        #expect(parseError(bytes: [0xFF]) == JSONParseError(.unexpectedByte(0xFF), at: 0))
    }

    @Test func validMultiByteBoundaries() throws {
        // U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF
        let bytes: [UInt8] = [0x22, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF,
                              0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        #expect(try parse(bytes: bytes) == .string("\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
    }
}

@Suite("JSON parser: structure")
struct JSONParserStructureTests {
    @Test func arraysAndObjects() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(try parse(" [ 1 , \"a\" , [ ] , { } , null ] ") == [1, "a", [], [:], nil])
        #expect(try parse(#"{"a":{"b":[true,false]}}"#) == ["a": ["b": [true, false]]])
    }

    @Test func objectKeysKeepTheirOrder() throws {
        let value = try parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value != ["a": 2, "m": 3, "z": 1])
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == .int(3))
    }

    @Test func largeObjectsUseTheIndexCorrectly() throws {
        let entries = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try parse("{\(entries),\"k7\":\"again\"}")
        #expect(value.objectValue?.count == 40)
        #expect(value["k39"] == .int(39))
        #expect(value["k7"] == .string("again"))
        #expect(value.objectValue?.keys[7] == "k7")
        #expect(value["missing"] == nil)
    }

    @Test func nullDiffersFromAbsent() throws {
        let value = try parse(#"{"present":null}"#)
        #expect(value["present"] == .null)
        #expect(value["absent"] == nil)
    }

    @Test func trailingGarbageIsRejected() {
        #expect(parseError("1 2") == JSONParseError(.trailingData, at: 2))
        #expect(parseError("{}x") == JSONParseError(.trailingData, at: 2))
        #expect(parseError("[1]]") == JSONParseError(.trailingData, at: 3))
        #expect(parseError("nullnull")?.reason == .trailingData)
        #expect(parseError("\"a\"\"b\"")?.reason == .trailingData)
    }

    @Test(arguments: ["", "   ", "[", "{", "[1", "[1,", #"{"a""#, #"{"a":"#, #"{"a":1"#])
    func truncatedDocuments(_ text: String) {
        #expect(parseError(text)?.reason == .unexpectedEndOfInput)
    }

    @Test(arguments: ["[1,]", "[,1]", "[1 2]", #"{"a"}"#, #"{"a":}"#, "{,}", #"{"a":1,}"#, "{1:2}", "{'a':1}", #"{"a" 1}"#, "]"])
    func malformedContainers(_ text: String) {
        guard case .unexpectedByte? = parseError(text)?.reason else {
            Issue.record("expected unexpectedByte for \(text), got \(String(describing: parseError(text)))")
            return
        }
    }

    @Test func errorOffsetsPointAtTheOffendingByte() {
        #expect(parseError("[1,]") == JSONParseError(.unexpectedByte(UInt8(ascii: "]")), at: 3))
        #expect(parseError(#"{"a" 1}"#) == JSONParseError(.unexpectedByte(UInt8(ascii: "1")), at: 5))
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = JSONParsingOptions.defaultMaximumDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try parse(arrays)
        for _ in 1..<depth {
            value = try #require(value[0])
        }
        #expect(value == .array([]))

        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(throws: Never.self) { try parse(objects) }
    }

    @Test func nestingBeyondTheLimitIsRejected() {
        let depth = JSONParsingOptions.defaultMaximumDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parseError(arrays) == JSONParseError(.nestingTooDeep(limit: 128), at: 128))
        let mixed = String(repeating: #"[{"a":"#, count: 65) + "1" + String(repeating: "}]", count: 65)
        #expect(parseError(mixed)?.reason == .nestingTooDeep(limit: 128))
        // Far deeper input fails cleanly instead of exhausting the stack.
        #expect(parseError(String(repeating: "[", count: 100_000))?.reason == .nestingTooDeep(limit: 128))
    }

    @Test func customDepthLimit() {
        let options = JSONParsingOptions(maximumDepth: 2)
        #expect(parseError("[[1]]", options: options) == nil)
        #expect(parseError("[[[1]]]", options: options) == JSONParseError(.nestingTooDeep(limit: 2), at: 2))
        #expect(parseError("1", options: JSONParsingOptions(maximumDepth: 0)) == nil)
        #expect(parseError("[]", options: JSONParsingOptions(maximumDepth: 0))?.reason == .nestingTooDeep(limit: 0))
    }

    @Test func parsesOnlyTheReadableBytesOfABuffer() throws {
        var input = ByteBuffer(string: "garbage[1,2]")
        input.moveReaderIndex(forwardBy: 7)
        #expect(try JSONValue(parsing: input) == [1, 2])
    }
}
