import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import Testing

/// A configuration for `server` with quick reconnection (tests wait on it).
func quickConfiguration(_ server: RedisTestServer, maxPendingCommands: Int = 10_000) throws -> RedisConfiguration {
    var configuration = try RedisConfiguration(url: server.url)
    configuration.backoff = RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
    configuration.maxPendingCommands = maxPendingCommands
    return configuration
}

let loop = MultiThreadedEventLoopGroup.singleton

@Suite("Redis connection against redis-server", .needsRedisServer)
struct RedisConnectionTests {
    @Test func commandsAndErrorReplies() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        #expect(try await redis.send("SET", ["greeting", RedisArgument(ByteBuffer(bytes: [0, 13, 10, 255]))]) == .simpleString("OK"))
        #expect(try await redis.send("GET", ["greeting"]) == .bulkString(ByteBuffer(bytes: [0, 13, 10, 255])))
        #expect(try await redis.send("GET", ["missing"]) == .null)
        #expect(try await redis.send("RPUSH", ["list", "a", "b"]) == .integer(2))
        #expect(try await redis.send("LRANGE", ["list", 0, -1]) == .array([bulk("a"), bulk("b")]))
        await #expect(throws: RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")) {
            try await redis.send("INCR", ["list"])
        }
        // The connection is still usable after an error reply.
        #expect(try await redis.send("ECHO", ["still here"]) == bulk("still here"))
        await redis.close()
    }

    @Test func thousandPipelinedIncrsInOrder() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        let replies: [EventLoopFuture<RedisValue>] = (0..<1000).map { _ in redis.send("INCR", ["counter"]) }
        var values: [Int] = []
        for reply in replies { values.append(try await reply.get().int ?? -1) }
        #expect(values == Array(1...1000))
        await redis.close()
    }

    @Test func selectsTheDatabase() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let zero = RedisConnection(configuration: try RedisConfiguration(url: server.url + "/0"), eventLoop: loop.next())
        let two = RedisConnection(configuration: try RedisConfiguration(url: server.url + "/2"), eventLoop: loop.next())
        _ = try await two.send("SET", ["where", "two"])
        #expect(try await zero.send("GET", ["where"]) == .null)
        #expect(try await two.send("GET", ["where"]) == bulk("two"))
        #expect(try await zero.send("DBSIZE") == .integer(0))
        await zero.close()
        await two.close()
    }

    @Test func authenticatesWithPasswordAndWithUser() async throws {
        let server = try await RedisTestServer.start(password: "s3cret")
        defer { server.kill() }
        let passwordOnly = RedisConnection(configuration: try RedisConfiguration(url: server.url), eventLoop: loop.next())
        #expect(try await passwordOnly.send("PING") == .simpleString("PONG"))
        let withUser = RedisConnection(
            configuration: try RedisConfiguration(url: "redis://default:s3cret@127.0.0.1:\(server.port)/1"),
            eventLoop: loop.next()
        )
        #expect(try await withUser.send("PING") == .simpleString("PONG"))
        await passwordOnly.close()
        await withUser.close()
    }

    @Test func wrongPasswordIsAClearError() async throws {
        let server = try await RedisTestServer.start(password: "s3cret")
        defer { server.kill() }
        let states = StateRecorder()
        var configuration = try quickConfiguration(server)
        configuration.password = "wrong"
        let redis = RedisConnection(configuration: configuration, eventLoop: loop.next(), onStateChange: states.callback)
        do {
            _ = try await redis.send("PING")
            Issue.record("PING succeeded with a wrong password")
        } catch let RedisError.authenticationFailed(message) {
            #expect(message.contains("WRONGPASS") || message.contains("invalid"))
        }
        try await eventually("the disconnected state") { !states.errors.isEmpty }
        #expect(states.errors.first.map { "\($0)" }?.hasPrefix("Redis authentication failed") == true)
        #expect(states.connectedCount == 0)
        await redis.close()
    }

    @Test func redisDownAtStartThenUp() async throws {
        let server = try RedisTestServer.notStarted()
        defer { server.kill() }
        let states = StateRecorder()
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next(), onStateChange: states.callback)
        let queued: [EventLoopFuture<RedisValue>] = (0..<5).map { _ in redis.send("INCR", ["early"]) }
        // At least one report (the count is checked below, after the
        // outage, so that a second report shows as such, not as a timeout).
        try await eventually("a failed attempt reported") { states.disconnectedCount >= 1 }
        try await server.start()
        var values: [Int] = []
        for reply in queued { values.append(try await reply.get().int ?? -1) }
        #expect(values == [1, 2, 3, 4, 5])
        #expect(states.connectedCount == 1)
        #expect(states.disconnectedCount == 1, "one report per outage, not per attempt")
        await redis.close()
    }

    @Test func inFlightFailAndTheConnectionComesBackAfterARestart() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let states = StateRecorder()
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next(), onStateChange: states.callback)
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        // BLPOP on an empty list blocks until the connection goes.
        let blocked: EventLoopFuture<RedisValue> = redis.send("BLPOP", ["nothing", 0])
        // Watched from another connection: this one is busy until BLPOP returns.
        let observer = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        try await eventually("BLPOP blocking on the server") {
            try await observer.send("CLIENT", ["LIST"]).string?.contains("cmd=blpop") == true
        }
        await observer.close()
        server.kill()
        await #expect(throws: RedisError.connectionLost) { try await blocked.get() }
        try await eventually("the drop reported") { states.disconnectedCount == 1 }
        // Sent while Redis is down: waits, then runs on the new connection.
        let queued: EventLoopFuture<RedisValue> = redis.send("SET", ["after", "restart"])
        try await server.start()
        #expect(try await queued.get() == .simpleString("OK"))
        #expect(try await redis.send("GET", ["after"]) == bulk("restart"))
        #expect(states.connectedCount == 2)
        await redis.close()
    }

    @Test func backlogOverflowAndCloseFailPending() async throws {
        let server = try RedisTestServer.notStarted()  // nothing listens: every command waits
        let redis = RedisConnection(configuration: try quickConfiguration(server, maxPendingCommands: 3), eventLoop: loop.next())
        let waiting: [EventLoopFuture<RedisValue>] = (0..<3).map { _ in redis.send("PING") }
        await #expect(throws: RedisError.backlogFull) { try await redis.send("PING") }
        await redis.close()
        for reply in waiting {
            await #expect(throws: RedisError.closed) { try await reply.get() }
        }
        await #expect(throws: RedisError.closed) { try await redis.send("PING") }
    }

    @Test func closeFailsCommandsInFlight() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        let blocked: EventLoopFuture<RedisValue> = redis.send("BLPOP", ["nothing", 0])
        await redis.close()
        await #expect(throws: RedisError.closed) { try await blocked.get() }
    }

    @Test func stateStreamReportsConnected() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let redis = RedisConnection(configuration: try quickConfiguration(server), eventLoop: loop.next())
        var iterator = redis.states.makeAsyncIterator()
        guard case .connected = await iterator.next() else {
            Issue.record("first state is not connected")
            return
        }
        await redis.close()
        #expect(await iterator.next() == nil, "the stream finishes at close")
    }
}
