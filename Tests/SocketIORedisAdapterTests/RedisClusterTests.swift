import NIOCore
import RedisClient
import SocketIO
import SocketIOAdapter
import SocketIOClient
import Testing

@testable import SocketIORedisAdapter

/// Every operation of the Redis adapter across two servers on one
/// redis-server (started per test), with clients of each server: what
/// Node's `@socket.io/redis-adapter` gives a cluster (spec section 1).
@Suite("Redis adapter across servers", .serialized, .enabled(if: RedisProcess.isAvailable))
struct RedisClusterTests {
    /// A redis-server and two nodes A and B, both counted by Redis.
    struct Cluster {
        let redis: RedisProcess
        let a: ClusterNode
        let b: ClusterNode

        static func start(options: RedisAdapterOptions = RedisAdapterOptions()) async throws -> Cluster {
            let redis = try await RedisProcess.start()
            let a = try await ClusterNode.start("A", redis: redis.configuration, options: options)
            let b = try await ClusterNode.start("B", redis: redis.configuration, options: options)
            try await a.waitForServerCount(2)
            try await b.waitForServerCount(2)
            return Cluster(redis: redis, a: a, b: b)
        }

        func stop() async {
            await a.stop()
            await b.stop()
            redis.stop()
        }
    }

    @Test func broadcastsReachBothServersWithRoomsExceptAndLocal() async throws {
        let cluster = try await Cluster.start()
        let onA = try await ClusterClient(cluster.a.url, auth: ["room": "r"])
        let onB = try await ClusterClient(cluster.b.url, auth: ["room": "r"])
        let outsider = try await ClusterClient(cluster.b.url)
        cluster.a.io.sockets.to("r").emit("to-r", 1, .binary(ByteBuffer(bytes: [0, 255])))
        for client in [onA, onB] {
            let event = try await client.next()
            #expect(event.name == "to-r")
            #expect(event.arguments == [1, .binary(ByteBuffer(bytes: [0, 255]))])
        }
        cluster.b.io.sockets.to("r").except(onB.id).emit("but-b")
        #expect(try await onA.next().name == "but-b")
        cluster.a.io.sockets.local.emit("local-only")
        #expect(try await onA.next().name == "local-only")
        // Then one for everybody: B's clients see it first, never local-only or but-b.
        cluster.a.io.sockets.emit("everyone")
        #expect(try await onA.next().name == "everyone")
        #expect(try await onB.next().name == "everyone")
        #expect(try await outsider.next().name == "everyone")
        for client in [onA, onB, outsider] { client.close() }
        await cluster.stop()
    }

    @Test func aBroadcastWithAcksCountsTheClientsOfBothServers() async throws {
        let cluster = try await Cluster.start()
        let onA = try await ClusterClient(cluster.a.url, answer: "from-a")
        let onB = try await ClusterClient(cluster.b.url, answer: "from-b")
        let answers = try await cluster.a.io.sockets.timeout(.seconds(30)).emitWithAck("question")
        #expect(Set(answers.compactMap { $0.first?.stringValue }) == ["from-a", "from-b"])
        // A remote client that never answers: the timeout with what came.
        let silent = try await ClusterClient(cluster.b.url)
        await #expect(throws: SocketIOAckError.timeout) {
            _ = try await cluster.a.io.sockets.timeout(.milliseconds(500)).emitWithAck("question")
        }
        for client in [onA, onB, silent] { client.close() }
        await cluster.stop()
    }

    @Test func fetchSocketsSeesTheOtherServersSocketsAndActsOnThem() async throws {
        let cluster = try await Cluster.start()
        let onA = try await ClusterClient(cluster.a.url)
        let onB = try await ClusterClient(cluster.b.url, auth: ["room": "lobby"])
        let all = try await cluster.a.io.sockets.fetchSockets()
        #expect(Set(all.map(\.id)) == [onA.id, onB.id])
        let remote = try #require(all.first { $0.id == onB.id })
        #expect(remote.data == ["node": "B"])
        #expect(Set(remote.rooms) == [onB.id, "lobby"])
        #expect(remote.handshake["auth"] == ["room": "lobby"])
        // Only the sockets of a room, and only this server's with local.
        #expect(try await cluster.a.io.sockets.in("lobby").fetchSockets().map(\.id) == [onB.id])
        #expect(try await cluster.a.io.sockets.local.fetchSockets().map(\.id) == [onA.id])
        // A remote socket can be addressed.
        remote.emit("direct", "hi")
        let direct = try await onB.next()
        #expect(direct.name == "direct" && direct.arguments == ["hi"])
        remote.join("vip")
        cluster.a.io.sockets.to("vip").emit("vip-news")
        #expect(try await onB.next().name == "vip-news")
        remote.leave("vip")
        cluster.a.io.sockets.to("vip").emit("vip-news-2")
        cluster.a.io.sockets.emit("marker")
        #expect(try await onB.next().name == "marker")
        remote.disconnect()
        #expect(try await onB.disconnected() == "io server disconnect")
        onA.close()
        await cluster.stop()
    }

    @Test func socketsJoinLeaveAndDisconnectSpanTheCluster() async throws {
        let cluster = try await Cluster.start()
        let onA = try await ClusterClient(cluster.a.url)
        let onB = try await ClusterClient(cluster.b.url)
        cluster.a.io.sockets.socketsJoin("everyone")
        cluster.a.io.sockets.to("everyone").emit("joined")
        #expect(try await onA.next().name == "joined")
        #expect(try await onB.next().name == "joined")
        cluster.b.io.sockets.socketsLeave("everyone")
        cluster.b.io.sockets.to("everyone").emit("left")
        cluster.b.io.sockets.emit("marker")
        #expect(try await onA.next().name == "marker")
        #expect(try await onB.next().name == "marker")
        cluster.a.io.sockets.except(onA.id).disconnectSockets()
        #expect(try await onB.disconnected() == "io server disconnect")
        #expect(onA.socket.isConnected)
        onA.close()
        await cluster.stop()
    }

    @Test func serverSideEmitWithAndWithoutAcks() async throws {
        let cluster = try await Cluster.start()
        let heard = AsyncStream.makeStream(of: [JSONValue].self)
        cluster.b.io.sockets.onServerSideEmit("hello") { arguments, _ in heard.continuation.yield(arguments) }
        cluster.b.io.sockets.onServerSideEmit("ping") { _, ack in ack?("pong-from-b") }
        cluster.a.io.sockets.onServerSideEmit("hello") { _, _ in Issue.record("the sender heard its own event") }
        try cluster.a.io.sockets.serverSideEmit("hello", "world", ["k": [1, 2]])
        var events = heard.stream.makeAsyncIterator()
        #expect(await events.next() == ["world", ["k": [1, 2]]])
        #expect(try await cluster.a.io.sockets.serverSideEmitWithAck("ping") == ["pong-from-b"])
        // Nobody answers "silence": the timeout, with the answers so far.
        await #expect(throws: ServerSideEmitError.timedOut(responses: [], expected: 1)) {
            _ = try await cluster.a.io.sockets.serverSideEmitWithAck("silence", timeout: .milliseconds(300))
        }
        #expect(throws: SocketIOReservedEventError.self) { try cluster.a.io.sockets.serverSideEmit("connection") }
        #expect(try await cluster.a.io.sockets.serverCount() == 2)
        await cluster.stop()
    }

    @Test func answersOnEachServersOwnResponseChannel() async throws {
        let cluster = try await Cluster.start(options: RedisAdapterOptions(publishOnSpecificResponseChannel: true))
        let onB = try await ClusterClient(cluster.b.url, answer: "yes")
        #expect(try await cluster.a.io.sockets.fetchSockets().map(\.id) == [onB.id])
        #expect(try await cluster.a.io.sockets.timeout(.seconds(30)).emitWithAck("q").compactMap { $0.first } == ["yes"])
        onB.close()
        await cluster.stop()
    }

    /// Redis down when the servers start: each serves its own clients; once
    /// Redis is up they find each other. Then Redis restarts: they reconnect,
    /// resubscribe, and broadcasts cross again.
    @Test func redisDownAtStartThenRestarted() async throws {
        let port = try await RedisProcess.freePort()
        let configuration = RedisConfiguration(host: "127.0.0.1", port: port, connectTimeout: .seconds(1), backoff: RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200)))
        let a = try await ClusterNode.start("A", redis: configuration)
        let b = try await ClusterNode.start("B", redis: configuration)
        let onA = try await ClusterClient(a.url)
        a.io.sockets.emit("alone")
        #expect(try await onA.next().name == "alone")
        #expect(a.cluster.isConnected == false)
        var redis = try await RedisProcess.start(port: port)
        try await a.waitForServerCount(2)
        try await b.waitForServerCount(2)
        let onB = try await ClusterClient(b.url)
        a.io.sockets.emit("together")
        #expect(try await onA.next().name == "together")
        #expect(try await onB.next().name == "together")
        redis.stop()
        redis = try await RedisProcess.start(port: port)
        try await a.waitForServerCount(2)
        try await b.waitForServerCount(2)
        b.io.sockets.emit("again")
        #expect(try await onA.next().name == "again")
        #expect(try await onB.next().name == "again")
        for client in [onA, onB] { client.close() }
        await a.stop()
        await b.stop()
        redis.stop()
    }

    /// Malformed messages on every channel are dropped; the servers go on.
    @Test func malformedMessagesAreDropped() async throws {
        let cluster = try await Cluster.start()
        let onB = try await ClusterClient(cluster.b.url)
        let publisher = RedisConnection(configuration: cluster.redis.configuration, eventLoop: cluster.a.cluster.eventLoop)
        for (channel, bytes) in [
            ("socket.io#/#", [UInt8]([0xc1])), ("socket.io#/#", [0x93, 0xa1, 0x61]), ("socket.io-request#/#", Array("{oops".utf8)),
            ("socket.io-request#/#", [0x85, 0xff]), ("socket.io-response#/#", Array(#"{"type":8}"#.utf8)), ("socket.io#/#", []),
        ] {
            _ = try await publisher.publish(channel: channel, message: ByteBuffer(bytes: bytes))
        }
        cluster.a.io.sockets.emit("still-fine")
        #expect(try await onB.next().name == "still-fine")
        await publisher.close()
        onB.close()
        await cluster.stop()
    }

    /// A broadcast to one room is decoded only where the room has members
    /// (or is a socket's id): the presence kept by the local adapter.
    @Test func roomPresenceFollowsJoinsLeavesAndSockets() async throws {
        let cluster = try await Cluster.start()
        let adapter = try #require(cluster.b.io.sockets.adapter as? RedisAdapter)
        #expect(!adapter.local.hasRoom("lobby"))
        let onB = try await ClusterClient(cluster.b.url)
        #expect(adapter.local.hasRoom(onB.id))
        _ = try await onB.socket.emitWithAck("join", "lobby")
        #expect(adapter.local.hasRoom("lobby"))
        cluster.a.io.sockets.to("lobby").emit("in-lobby")
        #expect(try await onB.next().name == "in-lobby")
        cluster.b.io.sockets.socketsLeave("lobby")
        cluster.b.io.sockets.emit("marker")
        #expect(try await onB.next().name == "marker")
        #expect(!adapter.local.hasRoom("lobby"))
        let id = onB.id
        cluster.b.io.sockets.disconnectSockets()
        #expect(try await onB.disconnected() == "io server disconnect")
        try await waitUntil { !adapter.local.hasRoom(id) }
        await cluster.stop()
    }

    /// Redis stalls (the process stopped with SIGSTOP): each server keeps
    /// serving its own clients at once; what crossed Redis arrives once it
    /// runs again.
    @Test func aStalledRedisDoesNotStallLocalClients() async throws {
        let cluster = try await Cluster.start()
        let onA = try await ClusterClient(cluster.a.url)
        let onB = try await ClusterClient(cluster.b.url)
        cluster.redis.pause()
        cluster.a.io.sockets.emit("during")
        #expect(try await onA.next().name == "during")
        cluster.redis.resume()
        #expect(try await onB.next().name == "during")
        for client in [onA, onB] { client.close() }
        await cluster.stop()
    }

    private func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ClusterTestError.timedOut("a condition") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Requests older Node servers send (receive-only): sockets, allRooms
    /// and per-socket join, leave and disconnect, each answered on the
    /// shared response channel by the server that has what was asked.
    @Test func legacyRequestsAreAnswered() async throws {
        let cluster = try await Cluster.start()
        let onB = try await ClusterClient(cluster.b.url, auth: ["room": "lobby"])
        let loop = cluster.a.cluster.eventLoop
        let answers = AsyncStream.makeStream(of: String.self)
        let listener = RedisSubscriber(configuration: cluster.redis.configuration, eventLoop: loop) { message in
            answers.continuation.yield(String(buffer: message.payload))
        }
        try await listener.subscribe(["socket.io-response#/#"])
        let publisher = RedisConnection(configuration: cluster.redis.configuration, eventLoop: loop)
        var replies = answers.stream.makeAsyncIterator()
        /// Publishes a request; the answers to it (`count`, one per server
        /// that answers), sorted.
        func ask(_ json: String, answers count: Int = 1) async throws -> [String] {
            let id = try JSONValue(parsing: json)["requestId"]?.stringValue ?? ""
            _ = try await publisher.publish(channel: "socket.io-request#/#", message: ByteBuffer(string: json))
            var found: [String] = []
            while found.count < count, let reply = await replies.next() {
                if try JSONValue(parsing: reply)["requestId"]?.stringValue == id { found.append(reply) }
            }
            return found.sorted()
        }
        // Every server answers sockets and allRooms; B has the lobby and its socket's own room.
        #expect(try await ask(#"{"requestId":"q1","type":0,"rooms":["lobby"]}"#, answers: 2) == [
            #"{"requestId":"q1","sockets":["\#(onB.id)"]}"#, #"{"requestId":"q1","sockets":[]}"#,
        ])
        var rooms: Set<String> = []
        for answer in try await ask(#"{"uid":"legacy","requestId":"q2","type":1}"#, answers: 2) {
            rooms.formUnion(ClassicCodec.strings(try JSONValue(parsing: answer)["rooms"]))
        }
        #expect(rooms == ["lobby", onB.id])
        // Per-socket requests: only the server with the socket acts and answers.
        #expect(try await ask(#"{"requestId":"q3","type":2,"sid":"\#(onB.id)","room":"legacy-room"}"#) == [#"{"requestId":"q3"}"#])
        cluster.a.io.sockets.to("legacy-room").emit("via-legacy-join")
        #expect(try await onB.next().name == "via-legacy-join")
        #expect(try await ask(#"{"requestId":"q4","type":3,"sid":"\#(onB.id)","room":"legacy-room"}"#) == [#"{"requestId":"q4"}"#])
        #expect(try await ask(#"{"requestId":"q5","type":4,"sid":"\#(onB.id)","close":false}"#) == [#"{"requestId":"q5"}"#])
        #expect(try await onB.disconnected() == "io server disconnect")
        await listener.close()
        await publisher.close()
        await cluster.stop()
    }

    /// A server that Redis counts but that never answers (here a bare
    /// subscriber to the request channel): fetchSockets fails after
    /// `requestsTimeout`, serverSideEmitWithAck gives what came in time.
    @Test func requestsTimeOutWhenAServerNeverAnswers() async throws {
        let cluster = try await Cluster.start(options: RedisAdapterOptions(requestsTimeout: .milliseconds(300)))
        let mute = RedisSubscriber(configuration: cluster.redis.configuration, eventLoop: cluster.a.cluster.eventLoop) { _ in }
        try await mute.subscribe(["socket.io-request#/#"])
        try await cluster.a.waitForServerCount(3)
        cluster.b.io.sockets.onServerSideEmit("ping") { _, ack in ack?("pong-b") }
        await #expect(throws: RedisAdapterError.requestTimedOut) { _ = try await cluster.a.io.sockets.fetchSockets() }
        await #expect(throws: ServerSideEmitError.timedOut(responses: ["pong-b"], expected: 2)) {
            _ = try await cluster.a.io.sockets.serverSideEmitWithAck("ping", timeout: .milliseconds(300))
        }
        // Local only: no one to wait for.
        #expect(try await cluster.a.io.sockets.local.fetchSockets().isEmpty)
        await mute.close()
        await cluster.stop()
    }
}
