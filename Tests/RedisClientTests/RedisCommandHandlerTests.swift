import NIOCore
import NIOEmbedded
@testable import RedisClient
import Testing

/// The channel handlers in-process: bytes in and out of an EmbeddedChannel.
@Suite("Redis command handler (EmbeddedChannel)")
struct RedisCommandHandlerTests {
    private func makeChannel() throws -> (EmbeddedChannel, RedisCommandHandler) {
        let channel = EmbeddedChannel()
        let handler = RedisCommandHandler()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPMessageDecoder(decoder: RESPDecoder())))
        try channel.pipeline.syncOperations.addHandler(handler)
        return (channel, handler)
    }

    private func send(_ channel: EmbeddedChannel, _ command: String, _ arguments: [RedisArgument] = []) throws -> EventLoopFuture<RedisValue> {
        var bytes = ByteBuffer()
        RESPEncoder.writeCommand(command, arguments, into: &bytes)
        let promise = channel.eventLoop.makePromise(of: RedisValue.self)
        try channel.writeOutbound(RedisRequest(bytes: bytes, promise: promise))
        return promise.futureResult
    }

    private func result(_ future: EventLoopFuture<RedisValue>) -> Result<RedisValue, any Error>? {
        nonisolated(unsafe) var result: Result<RedisValue, any Error>?
        future.whenComplete { result = $0 }
        return result
    }

    @Test func writesTheCommandBytes() throws {
        let (channel, _) = try makeChannel()
        _ = try send(channel, "GET", ["k"])
        let written = try channel.readOutbound(as: ByteBuffer.self)
        #expect(written.map { String(buffer: $0) } == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    }

    @Test func replySplitAcrossReadsCompletesOnce() throws {
        let (channel, _) = try makeChannel()
        let reply = try send(channel, "GET", ["k"])
        for part in ["$1", "1\r\nhello world", "\r", "\n"] {
            #expect(result(reply) == nil)
            try channel.writeInbound(ByteBuffer(string: part))
        }
        #expect(try result(reply)?.get() == bulk("hello world"))
    }

    @Test func pipelinedRepliesMatchInOrder() throws {
        let (channel, handler) = try makeChannel()
        let replies = try (0..<3).map { try send(channel, "INCR", ["n\($0)"]) }
        #expect(handler.awaitingCount == 3)
        try channel.writeInbound(ByteBuffer(string: ":1\r\n:2\r\n:3\r\n"))
        #expect(try replies.map { try result($0)?.get() } == [.integer(1), .integer(2), .integer(3)])
        #expect(handler.awaitingCount == 0)
    }

    @Test func errorReplyIsServerError() throws {
        let (channel, _) = try makeChannel()
        let reply = try send(channel, "FOO")
        let after = try send(channel, "PING")
        try channel.writeInbound(ByteBuffer(string: "-ERR unknown command 'FOO'\r\n+PONG\r\n"))
        #expect(throws: RedisError.server("ERR unknown command 'FOO'")) { try result(reply)?.get() }
        #expect(try result(after)?.get() == .simpleString("PONG"))
    }

    @Test func inFlightFailWithConnectionLostWhenTheChannelCloses() throws {
        let (channel, _) = try makeChannel()
        let reply = try send(channel, "BLPOP", ["q", 0])
        try channel.close().wait()
        #expect(throws: RedisError.connectionLost) { try result(reply)?.get() }
        // A command written after the close fails at once too.
        let late = channel.eventLoop.makePromise(of: RedisValue.self)
        channel.pipeline.write(RedisRequest(bytes: ByteBuffer(string: "x"), promise: late), promise: nil)
        #expect(throws: RedisError.self) { try result(late.futureResult)?.get() }
    }

    @Test func malformedReplyClosesTheChannel() throws {
        let (channel, handler) = try makeChannel()
        let reply = try send(channel, "PING")
        try channel.writeInbound(ByteBuffer(string: "?what\r\n"))
        #expect(!channel.isActive)
        #expect(handler.closeReason as? RedisError == .protocolError("unknown type byte 0x3f at offset 0"))
        #expect(throws: RedisError.connectionLost) { try result(reply)?.get() }
    }

    @Test func unsolicitedReplyClosesTheChannel() throws {
        let (channel, handler) = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: "+OK\r\n"))
        #expect(!channel.isActive)
        #expect(handler.closeReason as? RedisError == .protocolError("a reply arrived with no command awaiting one"))
    }

    @Test func pushesGoToTheSubscriberFirst() throws {
        let (channel, handler) = try makeChannel()
        nonisolated(unsafe) var events: [RedisPubSubEvent] = []
        handler.onPush = { value in
            guard let event = RedisPubSubEvent(value) else { return false }
            events.append(event)
            return true
        }
        let ping = try send(channel, "PING")
        try channel.writeInbound(ByteBuffer(string: "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$2\r\nab\r\n$2\r\n\0\u{1}\r\n+PONG\r\n"))
        #expect(events == [
            .confirmation(.subscribe, name: "a"),
            .message(RedisPubSubMessage(channel: "ab", pattern: "a*", payload: ByteBuffer(bytes: [0, 1]))),
        ])
        #expect(try result(ping)?.get() == .simpleString("PONG"))
    }
}
