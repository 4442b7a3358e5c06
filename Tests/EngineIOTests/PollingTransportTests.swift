import NIOCore
import NIOEmbedded
import HuddleTestSupport
import Testing
@testable import EngineIO

/// The long-polling transport through EmbeddedChannels, with the clock
/// advanced by the test.
@Suite struct PollingTransportTests {
    @Test func handshakeThenPostThenPoll() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4hello\u{1e}bAQIDBA==")
        let posted = try #require(try h.response(post))
        #expect(posted.status == 200)
        #expect(posted.body == "ok")
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get)?.body == "4hello\u{1e}bAQIDBA==")
    }

    @Test func aHeldPollIsAnsweredWhenDataArrives() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get) == nil, "held until data or a ping")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4a\u{1e}4b")
        #expect(try h.response(post)?.status == 200)
        // both echoes leave in one response
        #expect(try h.response(get)?.body == "4a\u{1e}4b")
    }

    @Test func duplicateGetClosesTheSession() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let first = try h.connection()
        try h.send(first, "GET", "EIO=4&transport=polling&sid=\(sid)")
        let second = try h.connection()
        try h.send(second, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(second)?.status == 400)
        #expect(try h.response(first)?.body == "1")
        #expect(h.closed[sid] == .transportError)
        let third = try h.connection()
        try h.send(third, "GET", "EIO=4&transport=polling&sid=\(sid)")
        let refused = try #require(try h.response(third))
        #expect(refused.status == 400)
        #expect(refused.body == #"{"code":1,"message":"Session ID unknown"}"#)
        #expect(try h.sessionCount() == 0)
    }

    @Test func pingThenTimeout() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        h.loop.advanceTime(by: .milliseconds(299))
        #expect(try h.response(get) == nil)
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(try h.response(get)?.body == "2")
        h.loop.advanceTime(by: .milliseconds(200))
        #expect(h.closed[sid] == .pingTimeout)
        #expect(try h.sessionCount() == 0)
    }

    @Test func aPongKeepsTheSessionAlive() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        for _ in 0..<5 {
            h.loop.advanceTime(by: .milliseconds(300))
            let get = try h.connection()
            try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
            #expect(try h.response(get)?.body == "2")
            h.loop.advanceTime(by: .milliseconds(150))
            let post = try h.connection()
            try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "3")
            #expect(try h.response(post)?.status == 200)
        }
        #expect(h.closed[sid] == nil)
    }

    @Test func clientCloseReleasesTheHeldPollWithANoop() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "1")
        #expect(try h.response(get)?.body == "6")
        #expect(h.closed[sid] == .transportClose)
    }

    @Test func anAbortedPollClosesTheSession() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        try get.channel.close().wait()
        h.loop.run()
        #expect(h.closed[sid] == .transportError)
        #expect(try h.sessionCount() == 0)
    }

    @Test func serverCloseSendsTheClosePacketToAHeldPoll() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        let done = h.server.closeAllSessions()
        h.loop.run()
        try done.wait()
        #expect(try h.response(get)?.body == "1")
        #expect(h.closed[sid] == .serverShuttingDown)
    }
}

/// Bad input over HTTP: each gets the reference error or a clean close.
@Suite struct PollingBadInputTests {
    @Test(arguments: [
        ("GET", "transport=polling", #"{"code":5,"message":"Unsupported protocol version"}"#, 400),
        ("GET", "EIO=3&transport=polling", #"{"code":5,"message":"Unsupported protocol version"}"#, 400),
        ("GET", "EIO=4", #"{"code":0,"message":"Transport unknown"}"#, 400),
        ("GET", "EIO=4&transport=carrier-pigeon", #"{"code":0,"message":"Transport unknown"}"#, 400),
        ("POST", "EIO=4&transport=polling", #"{"code":2,"message":"Bad handshake method"}"#, 400),
        ("GET", "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", #"{"code":1,"message":"Session ID unknown"}"#, 400),
        ("GET", "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAA", #"{"code":1,"message":"Session ID unknown"}"#, 400),
        ("GET", "EIO=4&transport=polling&sid=%00", #"{"code":1,"message":"Session ID unknown"}"#, 400),
        ("GET", "EIO=4&transport=websocket", #"{"code":3,"message":"Bad request"}"#, 400),
    ])
    func referenceErrors(method: String, query: String, body: String, status: Int) throws {
        let h = EmbeddedHarness()
        let channel = try h.connection()
        try h.send(channel, method, query, body: method == "POST" ? "4x" : "")
        let answer = try #require(try h.response(channel))
        #expect(answer.status == status)
        #expect(answer.body == body)
        #expect(answer.headers["content-type"] == "application/json")
    }

    @Test func allowRequestCanRefuse() throws {
        let h = EmbeddedHarness { $0.allowRequest = { request in
            request.headers.first(name: "x-token") == "ok" ? .allow : .deny(message: "no token")
        } }
        let refused = try h.connection()
        try h.send(refused, "GET", "EIO=4&transport=polling")
        let answer = try #require(try h.response(refused))
        #expect(answer.status == 403)
        #expect(answer.body == #"{"code":4,"message":"no token"}"#)
        let allowed = try h.connection()
        try h.send(allowed, "GET", "EIO=4&transport=polling", headers: ["X-Token: ok"])
        #expect(try h.response(allowed)?.status == 200)
    }

    @Test func malformedPayloadIsRefusedAndClosesTheSession() throws {
        for body in ["abc", "4a\u{1e}\u{1e}4b", "b!!!!", "9"] {
            let h = EmbeddedHarness()
            let sid = try h.openPolling()
            let post = try h.connection()
            try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: body)
            #expect(try h.response(post)?.status == 400, "\(body)")
            #expect(h.closed[sid] == .parseError, "\(body)")
        }
    }

    @Test func oversizedPostGets413AndTheConnectionCloses() throws {
        let h = EmbeddedHarness { $0.maxHttpBufferSize = 100 }
        let sid = try h.openPolling()
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4" + String(repeating: "x", count: 200))
        let answer = try #require(try h.response(post))
        #expect(answer.status == 413)
        #expect(!post.isActive)
    }

    @Test func tooManyPacketsInOnePostAreRefused() throws {
        let h = EmbeddedHarness { $0.maxPacketsPerPayload = 3 }
        let sid = try h.openPolling()
        let post = try h.connection()
        try h.send(post, "POST", "EIO=4&transport=polling&sid=\(sid)", body: "4a\u{1e}4b\u{1e}4c\u{1e}4d")
        #expect(try h.response(post)?.status == 400)
        #expect(h.received[sid] == nil, "nothing of a refused payload is delivered")
    }

    @Test func garbageHTTPClosesTheConnection() throws {
        let h = EmbeddedHarness()
        let channel = try h.connection()
        _ = try? channel.send(frame: ByteBuffer(string: "\u{0}\u{1}NOT HTTP AT ALL\r\n\r\n"))
        h.loop.run()
        let answer = try h.output(channel)
        #expect(String(buffer: answer).hasPrefix("HTTP/1.1 400"))
        #expect(!channel.isActive)
    }

    @Test func corsPreflightAndHeaders() throws {
        let h = EmbeddedHarness { $0.cors = CORSPolicy(origin: .list(["https://a.example"]), credentials: true) }
        let preflight = try h.connection()
        try h.send(preflight, "OPTIONS", "EIO=4&transport=polling", headers: ["Origin: https://a.example", "Access-Control-Request-Headers: content-type"])
        let answer = try #require(try h.response(preflight))
        #expect(answer.status == 204)
        #expect(answer.headers["access-control-allow-origin"] == "https://a.example")
        #expect(answer.headers["access-control-allow-credentials"] == "true")
        #expect(answer.headers["access-control-allow-headers"] == "content-type")
        #expect(answer.headers["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE")
        let other = try h.connection()
        try h.send(other, "GET", "EIO=4&transport=polling", headers: ["Origin: https://evil.example"])
        let refused = try #require(try h.response(other))
        #expect(refused.headers["access-control-allow-origin"] == nil)
    }

    @Test func theIoCookieIsSetWhenConfigured() throws {
        let h = EmbeddedHarness { $0.cookie = SessionCookie() }
        let channel = try h.connection()
        try h.send(channel, "GET", "EIO=4&transport=polling")
        let answer = try #require(try h.response(channel))
        let sid = answer.body.split(separator: "\"")[3]
        #expect(answer.headers["set-cookie"] == "io=\(sid); Path=/; HttpOnly; SameSite=Strict")
    }
}

/// A polling session the server closes: the client still gets what was
/// queued, then the close packet in a response of its own (the official
/// client handles a payload's close before its other packets).
@Suite struct PollingServerCloseTests {
    @Test func queuedPacketsThenCloseInTheNextGet() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let socket = try #require(h.server.shards[0].session(sid) ?? h.server.shards.compactMap { $0.session(sid) }.first)
        socket.send(text: "bye")
        socket.close()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get)?.body == "4bye")
        let close = try h.connection()
        try h.send(close, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(close)?.body == "1")
        let again = try h.connection()
        try h.send(again, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(again)?.status == 400, "the closing answer is given once")
    }

    @Test func queuedPacketsThenCloseInTheHeldGet() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        let socket = try #require(h.server.shards.compactMap { $0.session(sid) }.first)
        socket.send(text: "bye")
        socket.close()
        #expect(try h.response(get)?.body == "4bye")
        let close = try h.connection()
        try h.send(close, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(close)?.body == "1")
    }

    @Test func theClosingAnswerExpires() throws {
        let h = EmbeddedHarness()
        let sid = try h.openPolling()
        let socket = try #require(h.server.shards.compactMap { $0.session(sid) }.first)
        socket.close()
        h.loop.advanceTime(by: .milliseconds(501))  // pingInterval + pingTimeout
        let get = try h.connection()
        try h.send(get, "GET", "EIO=4&transport=polling&sid=\(sid)")
        #expect(try h.response(get)?.status == 400)
    }
}

@Suite struct HeartbeatTimingTests {
    @Test func theNextPingComesPingIntervalAfterThePong() throws {
        let h = EmbeddedHarness { $0.pingInterval = .milliseconds(100); $0.pingTimeout = .milliseconds(1000) }
        let (ws, _, _) = try h.openWebSocket("EIO=4&transport=websocket")
        _ = try h.texts(ws)
        h.loop.advanceTime(by: .milliseconds(100))
        #expect(try h.texts(ws) == ["2"])
        try h.sendFrame(ws, text: "3")
        h.loop.advanceTime(by: .milliseconds(99))
        #expect(try h.texts(ws) == [])
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(try h.texts(ws) == ["2"], "not held back until the old pong deadline")
        h.loop.advanceTime(by: .milliseconds(1000))
        #expect(!ws.isActive, "no pong: ping timeout")
    }
}
