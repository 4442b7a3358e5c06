public import Logging
public import NIOCore
public import RedisClient
public import RoomEngine

extension RoomClustering {
    /// A cluster node's seams on one Redis: the directory, the leases and
    /// the relay, sharing `connection` for their commands (the relay
    /// subscribes on a connection of its own, on `subscriberLoop`).
    ///
    /// ```swift
    /// let redis = RedisConnection(configuration: configuration, eventLoop: group.next())
    /// var options = RoomServiceConfiguration()
    /// options.cluster = .redis(node: "a", configuration: configuration, connection: redis, subscriberLoop: group.next())
    /// ```
    public static func redis(
        node: String,
        configuration: RedisConfiguration,
        connection: RedisConnection,
        subscriberLoop: any EventLoop,
        keys: ClusterKeys = ClusterKeys(),
        lease: LeaseTiming = LeaseTiming(),
        requestTimeout: TimeAmount = .seconds(2),
        logger: Logger = Logger(label: "huddle.cluster")
    ) -> RoomClustering {
        RoomClustering(
            placement: RedisRoomDirectory(node: node, connection: connection, keys: keys, requestTimeout: requestTimeout),
            leasing: RedisRoomLeases(node: node, connection: connection, keys: keys, timing: lease, logger: logger),
            transport: RedisRoomRelayTransport(
                node: node, configuration: configuration, publisher: connection, eventLoop: subscriberLoop, keys: keys, logger: logger
            )
        )
    }
}
