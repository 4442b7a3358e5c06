import NIOCore
import NIOEmbedded
@testable import SocketIOClient
import SocketIOCore
import Synchronization
import Testing

/// Socket behaviour on fake sessions and a manual clock: buffering while
/// disconnected, the retry queue, recovery's pid and offset.
@Suite("Socket buffering, retries and recovery")
struct SocketBufferingTests {
    /// A manager and its `/` socket, opened and connected as `sid`.
    private func connected(
        _ loop: NIOAsyncTestingEventLoop,
        _ engines: FakeEngines,
        options: ClientOptions? = nil,
        socketOptions: SocketOptions = SocketOptions(),
        connectAnswer: String = #"0{"sid":"s1"}"#
    ) async throws -> (Manager, Socket, Recorder<Seen>) {
        var clientOptions = options ?? .manualClock(loop, random: 0)
        clientOptions.autoConnect = false
        let manager = Manager(serverURL: try ServerURL(parsing: "http://fake"), options: clientOptions, makeEngine: engines.factory)
        let socket = manager.socket("/", options: socketOptions)
        let seen = Recorder(recording: socket)
        socket.open()
        try await loop.executeInContext { engines.last.succeedOpen() }
        try await loop.executeInContext { engines.last.deliver(connectAnswer) }
        try await seen.connected()
        return (manager, socket, seen)
    }

    @Test("emits made while disconnected are sent, in order, after the CONNECT answer; overflow is refused")
    func bufferingWhileDisconnected() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        var options = ClientOptions.manualClock(loop, random: 0)
        options.autoConnect = false
        options.maxBufferedPackets = 2
        let manager = Manager(serverURL: try ServerURL(parsing: "http://fake"), options: options, makeEngine: engines.factory)
        let socket = manager.socket("/")
        let refused = Recorder<AckResult>()
        socket.emit("first", 1)
        socket.volatile.emit("volatile", 0)
        socket.emit("second", arguments: ["two"]) { refused.append($0) }
        socket.emit("third", arguments: [3]) { refused.append($0) }
        let failure = try await refused.next("refusal") { _ in true }
        #expect((try? failure.get()) == nil)
        if case .failure(let error) = failure { #expect(error.code == .bufferFull) }

        socket.open()
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"s1"}"#) }
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0", #"2["first",1]"#, #"20["second","two"]"#])
        try await loop.executeInContext { engines.last.deliver(#"30["ok"]"#) }
        #expect(try await refused.next("ack") { _ in true } == .success(["ok"]))
        await loop.shutdownGracefully()
    }

    @Test("an ack timeout removes the emit from the buffer; a disconnection fails awaited acks")
    func ackTimeoutsAndDisconnection() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let (_, socket, seen) = try await connected(loop, engines)
        let results = Recorder<AckResult>()
        socket.emit("pending", arguments: []) { results.append($0) }
        try await loop.executeInContext { engines.last.drop() }
        #expect(try await seen.disconnected() == .transportClose)
        #expect(try await results.next("disconnected") { _ in true } == .failure(.socketDisconnected))

        socket.timeout(.milliseconds(500)).emit("buffered", arguments: []) { results.append($0) }
        try await loop.executeInContext {}
        await loop.advanceTime(by: .milliseconds(500))
        #expect(try await results.next("timeout") { _ in true } == .failure(.ackTimedOut))
        await loop.advanceTime(by: .seconds(1))
        try await loop.executeInContext { engines.last.succeedOpen() }
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"s2"}"#) }
        try await seen.connected()
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        await loop.shutdownGracefully()
    }

    @Test("with retries, each emit is acknowledged exactly once, in order, one in flight")
    func retriesDeliverExactlyOnce() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let (_, socket, _) = try await connected(
            loop, engines, socketOptions: SocketOptions(ackTimeout: .milliseconds(100), retries: 2)
        )
        let results = Recorder<String>()
        socket.emit("x", arguments: [1]) { results.append("x:\($0)") }
        socket.emit("y", arguments: [2]) { results.append("y:\($0)") }
        func sent() async throws -> [String] { try await loop.executeInContext { Array(engines.last.sentText.dropFirst()) } }
        #expect(try await sent() == [#"20["x",1]"#])

        await loop.advanceTime(by: .milliseconds(100))  // no ack: x again, with a new ack id
        #expect(try await sent() == [#"20["x",1]"#, #"21["x",1]"#])
        try await loop.executeInContext { engines.last.deliver(#"31["ok-x"]"#) }
        #expect(try await results.next("x") { $0.hasPrefix("x") } == #"x:success(["ok-x"])"#)
        #expect(try await sent().last == #"22["y",2]"#)
        try await loop.executeInContext { engines.last.deliver(#"32["ok-y"]"#) }
        try await loop.executeInContext { engines.last.deliver(#"32["ok-y"]"#) }
        #expect(try await results.next("y") { $0.hasPrefix("y") } == #"y:success(["ok-y"])"#)

        socket.emit("z", arguments: []) { results.append("z:\($0)") }
        try await loop.executeInContext {}
        for _ in 0..<3 { await loop.advanceTime(by: .milliseconds(100)) }
        #expect(try await results.next("z") { $0.hasPrefix("z") }.contains("ackTimeout"))
        #expect(try await sent().filter { $0.contains("\"z\"") }.count == 3)  // 1 try + 2 retries
        #expect(results.all.count == 3)
        await loop.shutdownGracefully()
    }

    @Test("with retries, a late answer to a try that timed out delivers the emit: no further try, one result")
    func retriesLateAnswerDelivers() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let (_, socket, _) = try await connected(
            loop, engines, socketOptions: SocketOptions(ackTimeout: .milliseconds(100), retries: 3)
        )
        let results = Recorder<String>()
        socket.emit("x", arguments: [1]) { results.append("x:\($0)") }
        socket.emit("y", arguments: [2]) { results.append("y:\($0)") }
        func sent() async throws -> [String] { try await loop.executeInContext { Array(engines.last.sentText.dropFirst()) } }
        #expect(try await sent() == [#"20["x",1]"#])

        await loop.advanceTime(by: .milliseconds(100))  // try 1 not answered in time: try 2
        #expect(try await sent() == [#"20["x",1]"#, #"21["x",1]"#])
        // The server answers try 1 now, late: it has x, so x is delivered
        // with that answer and y goes out.
        try await loop.executeInContext { engines.last.deliver(#"30["first"]"#) }
        #expect(results.all == [#"x:success(["first"])"#])
        #expect(try await sent() == [#"20["x",1]"#, #"21["x",1]"#, #"22["y",2]"#])
        // Try 2's answer changes nothing, and its timeout is gone: the
        // next 100 ms time out y's first try only, never x again.
        try await loop.executeInContext { engines.last.deliver(#"31["second"]"#) }
        await loop.advanceTime(by: .milliseconds(100))
        #expect(try await sent() == [#"20["x",1]"#, #"21["x",1]"#, #"22["y",2]"#, #"23["y",2]"#])
        try await loop.executeInContext { engines.last.deliver(#"33["ok-y"]"#) }
        #expect(try await results.next("y") { $0.hasPrefix("y") } == #"y:success(["ok-y"])"#)
        #expect(results.all == [#"x:success(["first"])"#, #"y:success(["ok-y"])"#])
        await loop.shutdownGracefully()
    }

    @Test("the pid and last offset go back in the next CONNECT; the same pid means recovered")
    func recoveryRoundTrip() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let (_, socket, seen) = try await connected(
            loop, engines,
            socketOptions: SocketOptions(auth: ["token": "t"]),
            connectAnswer: #"0{"sid":"s1","pid":"p1"}"#
        )
        #expect(!socket.recovered)
        try await loop.executeInContext { engines.last.deliver(#"2["tick",1,"off-1"]"#) }
        #expect(try await seen.event("tick").arguments == [1])
        try await loop.executeInContext { engines.last.deliver(#"2["tick",2,"off-2"]"#) }
        #expect(try await seen.event("tick").arguments == [2])
        try await loop.executeInContext { engines.last.drop() }
        await loop.advanceTime(by: .seconds(1))
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await loop.executeInContext { engines.last.sentText } == [#"0{"pid":"p1","offset":"off-2","token":"t"}"#])
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"s1","pid":"p1"}"#) }
        #expect(try await seen.connected() == true)
        #expect(socket.recovered)
        await loop.shutdownGracefully()
    }
}
