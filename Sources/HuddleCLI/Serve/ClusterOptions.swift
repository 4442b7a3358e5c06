import ArgumentParser
import Foundation
import Logging
import NIOCore
import RedisClient
import RoomCluster
import RoomEngine
import Synchronization

/// `--redis URL`: makes `huddle serve` one node of a room cluster
/// (docs/room-cluster.md): the room directory, the rooms' leases and the
/// relay between nodes live in that Redis, so members connect to any node
/// and meet in the same rooms; each room ticks on the node that holds its
/// lease. `--node` names this node (unique in the cluster).
///
/// ```text
/// huddle serve --port 3001 --redis redis://127.0.0.1:6379 --node a
/// huddle serve --port 3002 --redis redis://127.0.0.1:6379 --node b
/// ```
struct ClusterOptions: ParsableArguments {
    @Option(help: "Join the room cluster on this Redis (redis://[user:password@]host[:port][/db]): members of any node meet in the same rooms.")
    var redis: String?
    @Option(help: "This node's name in the cluster (with --redis; default: host name and process id). Unique per node.")
    var node: String?
    @Option(help: "Milliseconds a room's lease lasts without renewal (with --redis): how long a dead node's rooms wait before another node may take them.")
    var leaseMilliseconds = 1500
    @Option(help: "The prefix of the cluster's Redis keys (with --redis).") var redisKey = "huddle"

    func validate() throws {
        if let redis { _ = try Self.configuration(redis) }
        if node != nil && redis == nil { throw ValidationError("--node needs --redis") }
        if leaseMilliseconds < 100 || leaseMilliseconds > 60_000 {
            throw ValidationError("--lease-milliseconds must be between 100 and 60000")
        }
        if let node, node.isEmpty || node.contains(" ") { throw ValidationError("--node must be a non-empty name without spaces") }
    }

    /// This node's name.
    var nodeName: String {
        node ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The cluster seams on Redis, when `--redis` is given, and the
    /// readiness check of its connection (`redis` in `/readyz`).
    func clustering(group: any EventLoopGroup, logger: Logger) throws -> (RoomClustering, ReadinessCheck)? {
        guard let redis else { return nil }
        let configuration = try Self.configuration(redis)
        let keys = ClusterKeys(prefix: redisKey)
        let name = nodeName
        let connected = Atomic<Bool>(false)
        let connection = RedisConnection(configuration: configuration, eventLoop: group.next(), logger: logger) { state in
            if case .connected = state { connected.store(true, ordering: .relaxed) } else { connected.store(false, ordering: .relaxed) }
        }
        logger.info("joining the room cluster", metadata: ["node": "\(name)", "redis": "\(configuration.host):\(configuration.port)"])
        let clustering = RoomClustering.redis(
            node: name, configuration: configuration, connection: connection, subscriberLoop: group.next(), keys: keys,
            lease: LeaseTiming(duration: .milliseconds(Int64(leaseMilliseconds))), logger: logger
        )
        return (clustering, ReadinessCheck(name: "redis") { connected.load(ordering: .relaxed) })
    }

    private static func configuration(_ url: String) throws -> RedisConfiguration {
        do {
            return try RedisConfiguration(url: url)
        } catch {
            throw ValidationError("--redis: \(error)")
        }
    }
}
