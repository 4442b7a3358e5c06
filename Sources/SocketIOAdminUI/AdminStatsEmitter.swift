import NIOCore
import NIOConcurrencyHelpers
import Logging
import EngineIO
import SocketIO
import SocketIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends `server_stats` to the admin namespace at once, then every
/// interval (upstream's `initStatsEmitter`): this server's id, host, pid,
/// uptime, Engine.IO client counts, the aggregated events since the last
/// emission (drained from each loop) and each namespace's local socket count.
final class AdminStatsEmitter: Sendable {
    let server: SocketIOServer
    let admin: SocketIONamespace
    let engineStats: EngineStatsObserver
    let serverId: String
    let hostname: String
    let uptime = ProcessUptime()
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    init(server: SocketIOServer, admin: SocketIONamespace, engineStats: EngineStatsObserver, serverId: String?) {
        self.server = server
        self.admin = admin
        self.engineStats = engineStats
        let host = Self.hostName()
        self.hostname = host
        self.serverId = serverId ?? host
    }

    /// Starts the timer on the first loop (the first stats go out at once).
    func start(every interval: Duration) {
        let loop = engineStats.loops[0]
        let nanoseconds = interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: .zero, delay: .nanoseconds(max(1_000_000, nanoseconds))) { [self] _ in
            emit(on: loop)
        }
        task.withLockedValue { $0 = repeated }
    }

    /// Stops the timer.
    func stop() {
        task.withLockedValue { $0 }?.cancel()
    }

    /// Gathers the stats (each loop drains its own buckets) and sends them.
    private func emit(on loop: any EventLoop) -> EventLoopFuture<Void> {
        let events = engineStats.drain(on: loop)
        let transports = server.engine.sessionCountsByTransport()
        return events.and(transports).map { [self] pair in
            let (events, transports) = pair
            var aggregated = events
            admin.emit("server_stats", stats(
                events: aggregated.drain(),
                clients: transports.values.reduce(0, +),
                polling: transports[.polling] ?? 0
            ))
        }.recover { _ in }
    }

    /// The `server_stats` payload.
    func stats(events: [JSONValue], clients: Int, polling: Int) -> JSONValue {
        let namespaces = server.socketCountsByNamespace
            .sorted { ($0.key == "/" ? 0 : 1, $0.key) < ($1.key == "/" ? 0 : 1, $1.key) }
            .map { JSONValue.object(["name": .string($0.key), "socketsCount": .int(Int64($0.value))]) }
        return .object([
            "serverId": .string(serverId),
            "hostname": .string(hostname),
            "pid": .int(Int64(getpid())),
            "uptime": .double(uptime.seconds),
            "clientsCount": .int(Int64(clients)),
            "pollingClientsCount": .int(Int64(polling)),
            "aggregatedEvents": .array(events),
            "namespaces": .array(namespaces),
        ])
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
