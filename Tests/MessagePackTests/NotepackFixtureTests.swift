import MessagePack
import NIOCore
import Testing

/// The byte fixtures of shared/specs/cluster-and-admin.md, section 9.4,
/// recorded from notepack.io 2.3 / 3.0 and @msgpack/msgpack.
@Suite("notepack fixtures")
struct NotepackFixtureTests {
    static let emptyOptions: MessagePackValue = ["rooms": [], "except": [], "flags": .map([])]

    @Test func f1BroadcastMessage() throws {
        let value: MessagePackValue = [
            "Ab3_x-",
            ["type": 2, "data": ["hello", "world"], "nsp": "/"],
            Self.emptyOptions,
        ]
        let bytes = hex("93a64162335f782d83a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380")
        #expect(encoded(value) == bytes)
        #expect(try decoded(bytes) == value)
    }

    @Test func f2BroadcastWithBinaryAndFlags() throws {
        let value: MessagePackValue = [
            "Ab3_x-",
            ["type": 2, "data": ["bin", bin([1, 2, 3])], "nsp": "/"],
            ["rooms": ["room1"], "except": ["sid"], "flags": ["volatile": true]],
        ]
        let bytes = hex("93a64162335f782d83a47479706502a46461746192a362696ec403010203a36e7370a12f83a5726f6f6d7391a5726f6f6d31a665786365707491a3736964a5666c61677381a8766f6c6174696c65c3")
        #expect(encoded(value) == bytes)
        #expect(try decoded(bytes) == value)
    }

    @Test func f3BroadcastWithAckRequest() throws {
        let value: MessagePackValue = [
            "uid": "Ab3_x-",
            "requestId": "Zz9-_a",
            "type": 7,
            "packet": ["type": 2, "data": ["ackme"], "nsp": "/"],
            "opts": ["rooms": [], "except": [], "flags": ["timeout": 1000]],
        ]
        let bytes = hex("85a3756964a64162335f782da9726571756573744964a65a7a392d5f61a47479706507a67061636b657483a47479706502a46461746191a561636b6d65a36e7370a12fa46f70747383a5726f6f6d7390a665786365707490a5666c61677381a774696d656f7574cd03e8")
        #expect(encoded(value) == bytes)
        #expect(try decoded(bytes) == value)
    }

    @Test func f4AckResponse() throws {
        let value: MessagePackValue = ["type": 9, "requestId": "Zz9-_a", "packet": "client-ack"]
        let bytes = hex("83a47479706509a9726571756573744964a65a7a392d5f61a67061636b6574aa636c69656e742d61636b")
        #expect(encoded(value) == bytes)
        #expect(try decoded(bytes) == value)
    }

    @Test func f5NumbersAsJavaScriptWritesThem() throws {
        let numbers: [Double] = [1.5, -7, 8_589_934_592, -1_099_511_627_776, 300, 70000, -200]
        let value = MessagePackValue.array(numbers.map(MessagePackValue.init(javaScriptNumber:)))
        let bytes = hex("97cb3ff8000000000000f9cf0000000200000000d3ffffff0000000000cd012cce00011170d1ff38")
        #expect(encoded(value) == bytes)
        #expect(try decoded(bytes) == [1.5, -7, 8_589_934_592, -1_099_511_627_776, 300, 70000, -200])
        // The same integers given as integers encode the same way.
        #expect(encoded([1.5, -7, 8_589_934_592, -1_099_511_627_776, 300, 70000, -200]) == bytes)
    }

    @Test func f6UndefinedAndArrayBuffer() throws {
        let bytes = hex("82a161d40000a162c7010009")
        // Plain MessagePack: two extension values of type 0.
        let plain = try decoded(bytes)
        #expect(plain == ["a": .ext(type: 0, data: ByteBuffer(bytes: [0])), "b": .ext(type: 0, data: ByteBuffer(bytes: [9]))])
        // The notepack reading: the ext8 ArrayBuffer is binary, the fixext1 stays.
        let notepack = try decoded(bytes, notepack: true)
        #expect(notepack == ["a": .ext(type: 0, data: ByteBuffer(bytes: [0])), "b": bin([9])])
        // Re-encoding the notepack reading writes the ArrayBuffer as bin.
        var buffer = ByteBuffer()
        buffer.writeMessagePackMapHeader(count: 1)
        buffer.writeMessagePackString("b")
        buffer.writeMessagePackExtHeader(type: 0, count: 1, preferFixed: false)
        buffer.writeInteger(UInt8(9))
        #expect(Array(buffer.readableBytesView) == hex("81a162c7010009"))
    }

    @Test func f7SameMapThroughMsgpackJS() throws {
        let bytes = hex("82a161c0a162c40109")
        #expect(try decoded(bytes) == ["a": nil, "b": bin([9])])
        #expect(encoded(["a": nil, "b": bin([9])]) == bytes)
    }
}
