import Foundation
import SocketIOClient
import SocketIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A load generator built on the client, for benchmarks: `clients`
/// managers (one connection each, all on the shared event-loop group), each
/// sending `messagesPerClient` acknowledged messages, with the process's
/// memory and CPU measured around each phase.
///
/// Memory is the growth of the resident set while the clients connect,
/// divided by their number (so run it against a server in another process
/// for a clean figure); CPU is user + system time of this process over the
/// message phase, divided by the messages (each is one emit, one ack).
enum ClientLoad {
    struct Report: Sendable, CustomStringConvertible {
        var clients: Int
        var connected: Int
        var messages: Int
        var acknowledged: Int
        var residentBytesPerClient: Double
        var cpuMicrosecondsPerMessage: Double
        var connectSeconds: Double
        var messageSeconds: Double

        var description: String {
            let memory = String(format: "%.1f", residentBytesPerClient / 1024)
            let cpu = String(format: "%.1f", cpuMicrosecondsPerMessage)
            return "\(connected)/\(clients) clients connected in \(String(format: "%.2f", connectSeconds)) s, "
                + "\(memory) KiB resident per client; \(acknowledged)/\(messages) messages acknowledged in "
                + "\(String(format: "%.2f", messageSeconds)) s, \(cpu) µs CPU per message"
        }
    }

    static func run(
        url: String,
        clients: Int,
        messagesPerClient: Int,
        transports: [ClientTransport] = [.websocket],
        batch: Int = 250
    ) async throws -> Report {
        var options = ClientOptions()
        options.transports = transports
        options.autoConnect = false
        options.reconnectionDelay = .milliseconds(200)

        let residentBefore = residentBytes()
        let connectStart = ContinuousClock.now
        var sockets: [Socket] = []
        sockets.reserveCapacity(clients)
        var connected = 0
        var start = 0
        while start < clients {
            let count = min(batch, clients - start)
            let countdown = Countdown(count)
            for _ in 0..<count {
                let socket = try Manager(url: url, options: options).socket("/")
                socket.once("auth") { _ in countdown.tick() }
                socket.open()
                sockets.append(socket)
            }
            connected += await countdown.wait(limit: .seconds(60))
            start += count
        }
        let connectSeconds = seconds(ContinuousClock.now - connectStart)
        let residentAfter = residentBytes()

        let total = clients * messagesPerClient
        let acks = Countdown(total)
        let cpuBefore = cpuSeconds()
        let messageStart = ContinuousClock.now
        let payload: JSONValue = ["seq": 1, "text": "a short chat message"]
        for socket in sockets {
            for _ in 0..<messagesPerClient {
                socket.emit("message-with-ack", arguments: [payload]) { result in
                    if case .success = result { acks.tick() }
                }
            }
        }
        let acknowledged = await acks.wait(limit: .seconds(120))
        let messageSeconds = seconds(ContinuousClock.now - messageStart)
        let cpu = cpuSeconds() - cpuBefore

        for socket in sockets { socket.manager.close() }
        return Report(
            clients: clients,
            connected: connected,
            messages: total,
            acknowledged: acknowledged,
            residentBytesPerClient: Double(max(0, residentAfter - residentBefore)) / Double(max(1, clients)),
            cpuMicrosecondsPerMessage: cpu * 1_000_000 / Double(max(1, acknowledged)),
            connectSeconds: connectSeconds,
            messageSeconds: messageSeconds
        )
    }

    /// VmRSS of this process, in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return (kilobytes ?? 0) * 1024
        }
        return 0
    }

    /// User + system CPU time of this process, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Counts events down to zero from any thread; `wait` returns how many
/// happened (all of them, unless the safety limit passed first).
final class Countdown: Sendable {
    private struct State {
        var remaining: Int
        var done = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(remaining: count))
    }

    /// How many ticks came so far.
    var done: Int { state.withLock { $0.done } }

    func tick() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.remaining -= 1
            state.done += 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait(limit: Duration) async -> Int {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let finished = self.state.withLock { state -> Bool in
                        if state.remaining <= 0 { return true }
                        state.waiter = continuation
                        return false
                    }
                    if finished { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { $0.done }
    }
}
