import NIOCore
import NIOEmbedded
@testable import SocketIOClient
import Testing

/// `try await socket.connect()` on fake sessions: it joins an attempt under
/// way instead of sending a second CONNECT, and starts one when none is.
@Suite("Awaited connect")
struct AwaitedConnectTests {
    private func manager(_ loop: NIOAsyncTestingEventLoop, _ engines: FakeEngines, reconnection: Bool = true) throws -> Manager {
        var options = ClientOptions.manualClock(loop, random: 0)
        options.autoConnect = false
        options.reconnection = reconnection
        return Manager(serverURL: try ServerURL(parsing: "http://fake"), options: options, makeEngine: engines.factory)
    }

    /// Waits (on events, bounded) until `count` connect() calls are waiting.
    private func waiters(_ socket: Socket, _ loop: NIOAsyncTestingEventLoop, count: Int) async throws {
        for _ in 0..<2000 {
            if try await loop.executeInContext({ socket.core.value.connectWaiters.count }) == count { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("connect() calls never registered")
    }

    @Test("two connect() calls during an attempt: one CONNECT, the answer ends both")
    func joinsTheAttemptUnderWay() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let manager = try manager(loop, engines)
        let socket = manager.socket("/")
        socket.open()
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        async let first: Void = socket.connect()
        async let second: Void = socket.connect()
        try await waiters(socket, loop, count: 2)
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"s1"}"#) }
        try await first
        try await second
        #expect(socket.isConnected)
        try await socket.connect()  // connected: returns at once, sends nothing
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        await loop.shutdownGracefully()
    }

    @Test("manager.close() ends a waiting connect() with disconnected; so does a lost connection without reconnection")
    func closeEndsTheWait() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let manager = try manager(loop, engines)
        let socket = manager.socket("/")
        let waiting = Task { try await socket.connect() }
        try await waiters(socket, loop, count: 1)
        try await loop.executeInContext { engines.last.succeedOpen() }
        manager.close()
        await #expect(throws: SocketIOClientError(code: .disconnected, message: "socket has been disconnected")) { try await waiting.value }

        let plain = try self.manager(loop, engines, reconnection: false)
        let other = plain.socket("/")
        let lost = Task { try await other.connect() }
        try await waiters(other, loop, count: 1)
        try await loop.executeInContext { engines.last.succeedOpen() }
        try await loop.executeInContext { engines.last.drop(.transportClose) }
        await #expect(throws: SocketIOClientError(code: .connectionFailed, message: "transport close")) { try await lost.value }
        await loop.shutdownGracefully()
    }

    @Test("an active socket whose manager gave up is opened again by connect()")
    func reopensAfterAFailureWithoutReconnection() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let manager = try manager(loop, engines, reconnection: false)
        let socket = manager.socket("/")
        let failed = Task { try await socket.connect() }
        try await waiters(socket, loop, count: 1)
        try await loop.executeInContext { engines.last.failOpen() }
        await #expect(throws: SocketIOClientError.self) { try await failed.value }
        #expect(socket.isActive)
        #expect(engines.all.count == 1)

        async let retried: Void = socket.connect()
        try await waiters(socket, loop, count: 1)
        #expect(engines.all.count == 2)
        try await loop.executeInContext { engines.last.succeedOpen() }
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"s2"}"#) }
        try await retried
        #expect(socket.id == "s2")
        await loop.shutdownGracefully()
    }
}
