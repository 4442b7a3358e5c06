import Foundation
import NIOCore
import NIOPosix
import SocketIO
import SocketIOClient
import SocketIOCore
import Synchronization
import Testing

/// Connection state recovery while broadcasts are under way: every
/// connection of a room is cut at once in the middle of a stream of
/// broadcasts to the room, the clients come back and recover. Each client
/// must then have seen every broadcast exactly once, in order.
///
/// Why this shape: a broadcast is stored for recovery on one loop and handed
/// to each loop to deliver; a client that recovers on another loop in
/// between gets it among its missed packets *and*, a moment later, from the
/// delivery still on its way (a duplicate the reference server, single
/// threaded, never shows).
///
/// The server and its clients run on a two-loop group of their own: on NIO's
/// shared singleton, the recoveries' bursts kept its loops busy for seconds
/// at a time under load, and every other test in the process waited behind
/// them (a room test's connect timed out).
@Suite("Connection state recovery under faults")
struct RecoveryUnderFaultsTests {
    @Test("every connection cut during a broadcast stream: nothing missed, nothing twice")
    func cutDuringBroadcasts() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        do {
            try await cutDuringBroadcasts(on: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func cutDuringBroadcasts(on group: MultiThreadedEventLoopGroup) async throws {
        let environment = ProcessInfo.processInfo.environment
        let clients = environment["HUDDLE_RECOVERY_CLIENTS"].flatMap(Int.init) ?? 60
        let cutAt = 100
        let afterRecovery = 100

        let serverSockets = Mutex<[NIOLoopBound<SocketIOSocket>]>([])
        let server = try await InProcessServer.start(
            group: group,
            configure: { $0.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60)) },
            extra: { socket in
                let bound = NIOLoopBound(socket, eventLoop: socket.eventLoop)
                serverSockets.withLock { $0.append(bound) }
            }
        )

        let joined = Countdown(clients)
        let recovered = Countdown(clients)
        let finished = Countdown(clients)
        var received: [Received] = []
        var sockets: [SocketIOClient.Socket] = []
        for _ in 0..<clients {
            var options = ClientOptions.testing(.websocket)
            options.eventLoopGroup = group
            let socket = try Manager(url: server.url, options: options).socket("/")
            let seen = Received()
            received.append(seen)
            socket.on("tick") { event in
                guard let number = event.arguments.first?.int64Value else { return }
                seen.numbers.withLock { $0.append(number) }
            }
            socket.on("last") { _ in finished.tick() }
            socket.onConnect { [socket] in
                if socket.recovered {
                    recovered.tick()
                } else {
                    socket.emit("join", arguments: ["stream"]) { _ in joined.tick() }
                }
            }
            socket.open()
            sockets.append(socket)
        }
        defer { for socket in sockets { socket.manager.close() } }
        #expect(await joined.wait(limit: .seconds(60)) == clients, "every client joined the room")

        var broadcasts: Int64 = 0
        func broadcast() {
            broadcasts += 1
            server.io.to("stream").emit("tick", .int(broadcasts))
        }
        for _ in 0..<cutAt { broadcast() }
        // The fault: every connection dropped at once, from the server's
        // side, while the broadcasts before it are still being delivered on
        // both loops.
        for socket in serverSockets.withLock({ $0 }) {
            socket.eventLoop.execute { socket.value.engine.close() }
        }
        // Broadcasts go on while the clients come back and recover, so that
        // recoveries and deliveries on their way meet.
        let giveUp = ContinuousClock.now + .seconds(20)
        while recovered.done < clients, ContinuousClock.now < giveUp {
            broadcast()
            try await Task.sleep(for: .milliseconds(4))
        }
        for _ in 0..<afterRecovery { broadcast() }
        server.io.to("stream").emit("last")

        #expect(await recovered.wait(limit: .seconds(60)) == clients, "every client recovered its session")
        #expect(await finished.wait(limit: .seconds(60)) == clients, "every client got the last broadcast")
        let expected = (1...broadcasts).map { $0 }
        var duplicated = 0
        var missing = 0
        var outOfOrder = 0
        for seen in received {
            let numbers = seen.numbers.withLock { $0 }
            duplicated += numbers.count - Set(numbers).count
            missing += expected.count - Set(numbers).count
            if Set(numbers).count == numbers.count, numbers != numbers.sorted() { outOfOrder += 1 }
        }
        #expect(duplicated == 0, "broadcasts received twice")
        #expect(missing == 0, "broadcasts never received")
        #expect(outOfOrder == 0, "clients that got the broadcasts out of order")
        try await server.stop()
    }
}

/// The broadcast numbers one client received, in order.
private final class Received: Sendable {
    let numbers = Mutex<[Int64]>([])
}
