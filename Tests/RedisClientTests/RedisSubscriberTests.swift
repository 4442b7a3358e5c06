import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import Testing

@Suite("Redis subscriber against redis-server", .needsRedisServer)
struct RedisSubscriberTests {
    @Test func binarySafeRoundTrip() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let messages = MessageRecorder()
        let subscriber = RedisSubscriber(configuration: try quickConfiguration(server), eventLoop: loop.next(), onMessage: messages.callback)
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        try await subscriber.subscribe(["bin", "other"])
        let payload = ByteBuffer(bytes: (0...255).map { UInt8($0) })
        #expect(try await redis.publish(channel: "bin", message: payload) == 1)
        #expect(try await redis.publish(channel: "other", message: ByteBuffer()) == 1)
        try await eventually("two messages") { messages.all.count == 2 }
        #expect(messages.all == [
            RedisPubSubMessage(channel: "bin", payload: payload),
            RedisPubSubMessage(channel: "other", payload: ByteBuffer()),
        ])
        await subscriber.close()
        await redis.close()
    }

    @Test func messagesArriveInOrder() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let messages = MessageRecorder()
        let subscriber = RedisSubscriber(configuration: try quickConfiguration(server), eventLoop: loop.next(), onMessage: messages.callback)
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        try await subscriber.subscribe(["seq"])
        let published: [EventLoopFuture<Int>] = (0..<500).map { redis.publish(channel: "seq", message: ByteBuffer(string: "\($0)")) }
        for receivers in published { #expect(try await receivers.get() == 1) }
        try await eventually("500 messages") { messages.all.count == 500 }
        #expect(messages.all.map { String(buffer: $0.payload) } == (0..<500).map { "\($0)" })
        await subscriber.close()
        await redis.close()
    }

    @Test func patternSubscription() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let messages = MessageRecorder()
        let subscriber = RedisSubscriber(configuration: try quickConfiguration(server), eventLoop: loop.next(), onMessage: messages.callback)
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        try await subscriber.psubscribe(["news.*"])
        #expect(try await redis.publish(channel: "news.tech", message: ByteBuffer(string: "swift")) == 1)
        #expect(try await redis.publish(channel: "sport", message: ByteBuffer(string: "no")) == 0)
        try await eventually("the pattern message") { messages.all.count == 1 }
        #expect(messages.all == [RedisPubSubMessage(channel: "news.tech", pattern: "news.*", payload: ByteBuffer(string: "swift"))])
        try await subscriber.punsubscribe(["news.*"])
        #expect(try await redis.publish(channel: "news.tech", message: ByteBuffer(string: "gone")) == 0)
        await subscriber.close()
        await redis.close()
    }

    @Test func numsubCountsSubscribers() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let configuration = try quickConfiguration(server)
        let redis = RedisConnection(configuration: configuration, eventLoop: loop.next())
        let first = RedisSubscriber(configuration: configuration, eventLoop: loop.next()) { _ in }
        let second = RedisSubscriber(configuration: configuration, eventLoop: loop.next()) { _ in }
        #expect(try await redis.pubsubNumsub("room") == 0)
        try await first.subscribe(["room"])
        try await second.subscribe(["room", "elsewhere"])
        #expect(try await redis.pubsubNumsub("room") == 2)
        try await second.unsubscribe(["room"])
        #expect(try await redis.pubsubNumsub("room") == 1)
        #expect(try await redis.pubsubNumsub("elsewhere") == 1)
        try await second.unsubscribe()  // all
        #expect(try await redis.pubsubNumsub("elsewhere") == 0)
        await first.close()
        await second.close()
        await redis.close()
    }

    @Test func resubscribesAfterRedisRestarts() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let messages = MessageRecorder()
        let states = StateRecorder()
        let subscriber = RedisSubscriber(
            configuration: try quickConfiguration(server),
            eventLoop: loop.next(),
            onStateChange: states.callback,
            onMessage: messages.callback
        )
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        try await subscriber.subscribe(["before"])
        try await subscriber.psubscribe(["pat.*"])
        #expect(states.connectedCount == 1)
        server.kill()
        try await eventually("the drop reported") { states.disconnectedCount == 1 }
        // Asked while Redis is down: done once the new connection has it.
        let later: EventLoopFuture<Void> = subscriber.subscribe(["during"])
        try await server.start()
        try await later.get()
        try await eventually("reconnected and resubscribed") { states.connectedCount == 2 }
        #expect(try await redis.pubsubNumsub("before") == 1)
        #expect(try await redis.publish(channel: "before", message: ByteBuffer(string: "1")) == 1)
        #expect(try await redis.publish(channel: "during", message: ByteBuffer(string: "2")) == 1)
        #expect(try await redis.publish(channel: "pat.x", message: ByteBuffer(string: "3")) == 1)
        try await eventually("the messages after the restart") { messages.all.count == 3 }
        #expect(messages.all.map { String(buffer: $0.payload) } == ["1", "2", "3"])
        await subscriber.close()
        await redis.close()
    }

    @Test func wrongPasswordFailsWaitingSubscribes() async throws {
        let server = try await RedisTestServer.start(password: "s3cret")
        defer { server.kill() }
        let states = StateRecorder()
        var configuration = try quickConfiguration(server)
        configuration.password = "wrong"
        let subscriber = RedisSubscriber(configuration: configuration, eventLoop: loop.next(), onStateChange: states.callback) { _ in }
        do {
            try await subscriber.subscribe(["x"])
            Issue.record("subscribed with a wrong password")
        } catch let RedisError.authenticationFailed(message) {
            #expect(message.contains("WRONGPASS") || message.contains("invalid"))
        }
        #expect(states.connectedCount == 0)
        await subscriber.close()
    }

    @Test func closeFailsRequestsWaitingForAConnection() async throws {
        let server = try RedisTestServer.notStarted()
        let subscriber = RedisSubscriber(configuration: try quickConfiguration(server), eventLoop: loop.next()) { _ in }
        let waiting: EventLoopFuture<Void> = subscriber.subscribe(["never"])
        await subscriber.close()
        await #expect(throws: RedisError.closed) { try await waiting.get() }
        await #expect(throws: RedisError.closed) { try await subscriber.subscribe(["late"]) }
    }

    @Test func subscribeOverflow() async throws {
        let server = try RedisTestServer.notStarted()
        let subscriber = RedisSubscriber(configuration: try quickConfiguration(server, maxPendingCommands: 2), eventLoop: loop.next()) { _ in }
        _ = subscriber.subscribe(["a"]) as EventLoopFuture<Void>
        _ = subscriber.psubscribe(["b*"]) as EventLoopFuture<Void>
        await #expect(throws: RedisError.backlogFull) { try await subscriber.subscribe(["c"]) }
        await subscriber.close()
    }
}
