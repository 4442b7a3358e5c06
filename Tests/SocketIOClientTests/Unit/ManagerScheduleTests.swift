import NIOCore
import NIOEmbedded
@testable import SocketIOClient
import SocketIOCore
import Testing

/// The manager's reconnection logic on a loop whose clock the test moves,
/// with fake Engine.IO sessions: exact timing without waiting.
@Suite("Reconnection schedule")
struct ManagerScheduleTests {
    @Test("attempts follow the backoff, which resets after a connection")
    func backoffTiming() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        let manager = Manager(serverURL: try ServerURL(parsing: "http://fake"), options: .manualClock(loop), makeEngine: engines.factory)
        let events = Recorder(recording: manager)
        func count() async throws -> Int { try await loop.executeInContext { engines.all.count } }

        #expect(try await count() == 1)
        try await loop.executeInContext { engines.last.failOpen() }
        // random 0.75: 1000 + 375, 2000 + 750, min(4000 + 1500, 5000)
        for (attempt, delay) in [(1, 1375), (2, 2750), (3, 5000)] {
            await loop.advanceTime(by: .milliseconds(Int64(delay - 1)))
            #expect(try await count() == attempt)
            await loop.advanceTime(by: .milliseconds(1))
            #expect(try await count() == attempt + 1)
            #expect(try await events.next(.reconnectAttempt) == .reconnectAttempt(attempt: attempt))
            if attempt < 3 {
                try await loop.executeInContext { engines.last.failOpen() }
                #expect(try await events.next(.reconnectError).name == .reconnectError)
            }
        }
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await events.next(.open) == .open)
        #expect(try await events.next(.reconnect) == .reconnect(attempt: 3))
        #expect(manager.isOpen)

        // Lost again: the schedule starts over at the first delay.
        try await loop.executeInContext { engines.last.drop() }
        #expect(try await events.next(.close) == .close(.transportClose))
        await loop.advanceTime(by: .milliseconds(1374))
        #expect(try await count() == 4)
        await loop.advanceTime(by: .milliseconds(1))
        #expect(try await count() == 5)

        // Closed by the client: no more attempts.
        manager.close()
        await loop.advanceTime(by: .seconds(60))
        #expect(try await count() == 5)
        #expect(try await loop.executeInContext { engines.last.isClosed })
        await loop.shutdownGracefully()
    }

    @Test("gives up with reconnect_failed after reconnectionAttempts")
    func givesUp() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        var options = ClientOptions.manualClock(loop, random: 0)
        options.reconnectionAttempts = 2
        let manager = Manager(serverURL: try ServerURL(parsing: "http://fake"), options: options, makeEngine: engines.factory)
        let events = Recorder(recording: manager)
        try await loop.executeInContext { engines.last.failOpen() }
        await loop.advanceTime(by: .seconds(1))
        try await loop.executeInContext { engines.last.failOpen() }
        await loop.advanceTime(by: .seconds(2))
        try await loop.executeInContext { engines.last.failOpen() }
        #expect(try await events.next(.reconnectFailed) == .reconnectFailed)
        await loop.advanceTime(by: .seconds(60))
        #expect(try await loop.executeInContext { engines.all.count } == 3)
        _ = manager
        await loop.shutdownGracefully()
    }

    @Test("a lost connection reconnects the socket; a server disconnect does not")
    func serverDisconnectIsFinal() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let engines = FakeEngines()
        var options = ClientOptions.manualClock(loop, random: 0)
        options.autoConnect = false
        let manager = Manager(serverURL: try ServerURL(parsing: "http://fake"), options: options, makeEngine: engines.factory)
        let socket = manager.socket("/")
        let seen = Recorder(recording: socket)
        socket.open()
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"one"}"#) }
        try await seen.connected()
        #expect(socket.id == "one")

        try await loop.executeInContext { engines.last.drop(.pingTimeout) }
        #expect(try await seen.disconnected() == .pingTimeout)
        await loop.advanceTime(by: .seconds(1))
        try await loop.executeInContext { engines.last.succeedOpen() }
        #expect(try await loop.executeInContext { engines.last.sentText } == ["0"])  // CONNECT again, by itself
        try await loop.executeInContext { engines.last.deliver(#"0{"sid":"two"}"#) }
        try await seen.connected()

        try await loop.executeInContext { engines.last.deliver("1") }
        #expect(try await seen.disconnected() == .ioServerDisconnect)
        #expect(!socket.isActive)
        #expect(try await loop.executeInContext { engines.last.isClosed })
        await loop.advanceTime(by: .seconds(60))
        #expect(try await loop.executeInContext { engines.all.count } == 2)
        await loop.shutdownGracefully()
    }
}
