// swift-tools-version: 6.0
import PackageDescription

/// Huddle: a Socket.IO (Engine.IO v4 / Socket.IO v5) server and client on
/// SwiftNIO, with an authoritative room engine on top. See docs/ and
/// README.md; the layers and allowed imports are described in docs/ARCHITECTURE.md.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Huddle",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EngineIOCore", targets: ["EngineIOCore"]),
        .library(name: "EngineIO", targets: ["EngineIO"]),
        .library(name: "SocketIOCore", targets: ["SocketIOCore"]),
        .library(name: "MessagePack", targets: ["MessagePack"]),
        .library(name: "SocketIOMessagePack", targets: ["SocketIOMessagePack"]),
        .library(name: "ZlibCompression", targets: ["ZlibCompression"]),
        .library(name: "SocketIOAdapter", targets: ["SocketIOAdapter"]),
        .library(name: "RedisClient", targets: ["RedisClient"]),
        .library(name: "SocketIO", targets: ["SocketIO"]),
        .library(name: "SocketIORedisAdapter", targets: ["SocketIORedisAdapter"]),
        .library(name: "SocketIOAdminUI", targets: ["SocketIOAdminUI"]),
        .library(name: "SocketIOClient", targets: ["SocketIOClient"]),
        .library(name: "RoomClient", targets: ["RoomClient"]),
        .library(name: "RoomEngine", targets: ["RoomEngine"]),
        .library(name: "WhiteboardRoom", targets: ["WhiteboardRoom"]),
        .library(name: "ArenaRoom", targets: ["ArenaRoom"]),
        .library(name: "HuddleRooms", targets: ["HuddleRooms"]),
        .library(name: "RoomEngineSocketIO", targets: ["RoomEngineSocketIO"]),
        .library(name: "RoomCluster", targets: ["RoomCluster"]),
        .library(name: "SnapshotStore", targets: ["SnapshotStore"]),
        .library(name: "SQLiteSnapshotStore", targets: ["SQLiteSnapshotStore"]),
        .library(name: "PostgresSnapshotStore", targets: ["PostgresSnapshotStore"]),
        .library(name: "HuddleCLI", targets: ["HuddleCLI"]),
        .executable(name: "conformance-server", targets: ["conformance-server"]),
        .executable(name: "huddle", targets: ["huddle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The PostgreSQL backend of the snapshot store (`--store postgres://…`).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // TLS for the client (https/wss) and for huddle serve; certificates made at test time.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // /metrics of huddle serve (the swift-metrics API, exposed by swift-prometheus)
        // and its lifecycle (a ServiceGroup: SIGTERM/SIGINT drain, then exit 0).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "EngineIOCore",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "ZlibCompression",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "EngineIO",
            dependencies: [
                "EngineIOCore", "ZlibCompression", "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SocketIOCore",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // MessagePack values, decoder and encoder (notepack.io's formats); pure, no I/O.
        .target(
            name: "MessagePack",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // The socket.io-msgpack-parser wire format, and MessagePack <-> JSONValue.
        .target(
            name: "SocketIOMessagePack",
            dependencies: ["MessagePack", "SocketIOCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "SocketIOAdapter",
            dependencies: [
                "SocketIOCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // A Redis client (RESP, pipelined commands, pub/sub, reconnection);
        // no server types: the Redis adapter builds on it (docs/redis.md).
        .target(
            name: "RedisClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // Rooms across nodes: owner leases (fencing through RoomOwnership)
        // and the room directory, in Redis.
        .target(
            name: "RoomCluster",
            dependencies: [
                "RoomEngine", "RedisClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SocketIO",
            dependencies: [
                "SocketIOCore", "SocketIOAdapter", "SocketIOMessagePack", "EngineIO", "EngineIOCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The Redis adapter, wire-compatible with Node's @socket.io/redis-adapter
        // (classic format): servers of a cluster share broadcasts, rooms and requests.
        .target(
            name: "SocketIORedisAdapter",
            dependencies: [
                "SocketIOAdapter", "SocketIOCore", "MessagePack", "SocketIOMessagePack", "RedisClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The Socket.IO Admin UI's server side (upstream instrument(io, options)):
        // the /admin namespace, bcrypt login, stats, events and commands (docs/admin-ui.md).
        .target(
            name: "SocketIOAdminUI",
            dependencies: [
                "SocketIO", "SocketIOCore", "SocketIOAdapter", "EngineIO", "RedisClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SocketIOClient",
            dependencies: [
                "EngineIOCore", "SocketIOCore", "ZlibCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // The room protocol's client (docs/room-client.md): rooms of any kind
        // over SocketIOClient, typed by the kind's RoomLogic.
        .target(
            name: "RoomClient",
            dependencies: [
                "SocketIOClient", "RoomEngine",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RoomEngine",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "WhiteboardRoom", dependencies: ["RoomEngine"], swiftSettings: strict),
        .target(name: "ArenaRoom", dependencies: ["RoomEngine"], swiftSettings: strict),
        .target(name: "HuddleRooms", dependencies: ["RoomEngine", "WhiteboardRoom", "ArenaRoom"], swiftSettings: strict),
        .target(
            name: "RoomEngineSocketIO",
            dependencies: [
                "RoomEngine", "SocketIO", "SocketIOCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SnapshotStore",
            dependencies: ["RoomEngine", "CZlib", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "SQLiteSnapshotStore",
            dependencies: [
                "SnapshotStore", "RoomEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The snapshot store on a PostgreSQL server (postgres-nio), the same
        // schema concepts as SQLite's; several recorders may share a database.
        .target(
            name: "PostgresSnapshotStore",
            dependencies: [
                "SnapshotStore", "RoomEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HuddleCLI",
            dependencies: [
                "RoomEngine", "RoomEngineSocketIO", "RoomCluster", "RedisClient", "SnapshotStore", "SQLiteSnapshotStore", "PostgresSnapshotStore", "SocketIO", "SocketIOCore", "EngineIO",
                "SocketIOAdminUI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "huddle", dependencies: ["HuddleCLI", "HuddleRooms"], swiftSettings: strict),
        .executableTarget(
            name: "conformance-server",
            dependencies: [
                "EngineIO", "SocketIO", "SocketIOCore", "SocketIORedisAdapter", "RedisClient", "SocketIOAdminUI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // EmbeddedChannel helpers shared by the in-process test suites.
        .target(
            name: "HuddleTestSupport",
            dependencies: [
                "EngineIO",
                .product(name: "NIOCore", package: "swift-nio"),
                // RedisTestServer: a redis-server per test, checked over loopback
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: strict
        ),
        // A PostgreSQL server of the tests' own (initdb in a temporary
        // directory, a Unix socket only), for the Postgres store's tests.
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport", swiftSettings: strict),
        // The custom room kind of docs/room-kinds.md: defined outside the
        // engine, used by the tests to prove a kind registered once works in
        // every layer.
        .target(name: "CounterRoom", dependencies: ["RoomEngine"], path: "Tests/CounterRoom", swiftSettings: strict),
        // docs/room-kinds.md's executable: `huddle` with the counter kind
        // too, served on loopback to the room client's tests.
        .executableTarget(
            name: "counter-huddle",
            dependencies: ["CounterRoom", "HuddleCLI", "HuddleRooms", "RoomEngine"],
            path: "Tests/counter-huddle",
            swiftSettings: strict
        ),
        // Tools/bench-bigboard's measuring program: a 16 MB whiteboard built
        // through the room's inputs and recorded as `huddle serve` records.
        .executableTarget(
            name: "bench-bigboard",
            dependencies: [
                "CMalloc", "RoomEngine", "SnapshotStore", "SQLiteSnapshotStore", "WhiteboardRoom",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/bench-bigboard",
            swiftSettings: strict
        ),
        .testTarget(name: "EngineIOCoreTests", dependencies: ["EngineIOCore"], swiftSettings: strict),
        .testTarget(name: "ZlibCompressionTests", dependencies: ["ZlibCompression"], swiftSettings: strict),
        .testTarget(
            name: "EngineIOTests",
            dependencies: [
                "EngineIO", "EngineIOCore", "HuddleTestSupport", "ZlibCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                // the loopback tests: the real HTTPServer on two loops, raw TCP clients
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The RESP codec byte by byte, the handlers in-process, and the
        // connections against a real redis-server started per test.
        .testTarget(
            name: "RedisClientTests",
            dependencies: [
                "RedisClient", "HuddleTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The lease machine event by event; leases and the directory against
        // a real redis-server started per test.
        .testTarget(
            name: "RoomClusterTests",
            dependencies: [
                "RoomCluster", "RoomEngine", "RedisClient", "HuddleTestSupport", "WhiteboardRoom",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "SocketIOCoreTests", dependencies: ["SocketIOCore"], swiftSettings: strict),
        // bcrypt against Python's bcrypt and published vectors; the stats
        // buckets and payload, timestamps, socket serialization, instrument's
        // refusals (the protocol itself: Tests/Interop/test_admin_ui.py).
        .testTarget(
            name: "SocketIOAdminUITests",
            dependencies: [
                "SocketIOAdminUI", "SocketIO", "SocketIOCore", "SocketIOAdapter", "EngineIO", "HuddleTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MessagePackTests",
            dependencies: ["MessagePack", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SocketIOMessagePackTests",
            dependencies: ["SocketIOMessagePack", "MessagePack", "SocketIOCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SocketIOTests",
            dependencies: [
                "SocketIO", "SocketIOCore", "SocketIOAdapter", "SocketIOMessagePack", "MessagePack", "EngineIO", "HuddleTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SocketIORedisAdapterTests",
            dependencies: [
                "SocketIORedisAdapter", "SocketIOAdapter", "SocketIOCore",
                // two servers and their clients on loopback, around a real redis-server
                "SocketIO", "EngineIO", "SocketIOClient", "RedisClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SocketIOClientTests",
            dependencies: [
                "SocketIOClient", "SocketIOCore", "EngineIOCore", "ZlibCompression",
                // the server, in-process, as a loopback peer for the tests
                "SocketIO", "EngineIO", "HuddleTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                // a TLS server with a CA and certificates made in the test
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The ```swift examples of docs/client.md, extracted by
        // Tools/doc-examples; built with the tests so the docs keep
        // compiling. Depends on the client alone: one import must be enough.
        .testTarget(
            name: "ClientDocExamplesTests",
            dependencies: ["SocketIOClient"],
            swiftSettings: strict
        ),
        // The ```swift examples of docs/writing-a-room.md (the Duel kind and
        // its tests), extracted by Tools/doc-examples; each example body runs
        // as a test.
        .testTarget(
            name: "RoomDocExamplesTests",
            dependencies: ["RoomEngine", "HuddleCLI", "HuddleRooms"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RoomClientTests",
            dependencies: [
                "RoomClient", "RoomEngine", "WhiteboardRoom", "ArenaRoom", "CounterRoom", "SocketIOClient",
                // the server's vocabulary, to check the client spells it the same;
                // the Socket.IO server under a stand-in for a server with seats
                "RoomEngineSocketIO", "SocketIO", "SocketIOCore", "EngineIO",
                // failover: two in-process nodes on a real redis-server, resuming from a shared store
                "RoomCluster", "RedisClient", "HuddleTestSupport", "SnapshotStore", "SQLiteSnapshotStore",
                .product(name: "NIOCore", package: "swift-nio"),
                // a TCP relay that cuts connections (reconnection tests)
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The ```swift examples of docs/room-client.md (Tools/doc-examples).
        .testTarget(
            name: "RoomClientDocExamplesTests",
            dependencies: ["RoomClient", "WhiteboardRoom", "ArenaRoom", "CounterRoom"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RoomEngineSocketIOTests",
            dependencies: [
                "RoomEngineSocketIO", "RoomEngine", "WhiteboardRoom", "ArenaRoom", "HuddleRooms", "SocketIO", "SocketIOCore", "EngineIO",
                // rooms across two in-process nodes on a real redis-server, resumed from a shared store
                "RoomCluster", "RedisClient", "HuddleTestSupport", "SnapshotStore", "SQLiteSnapshotStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SnapshotStoreTests",
            dependencies: [
                "SnapshotStore", "SQLiteSnapshotStore", "PostgresSnapshotStore", "PostgresTestSupport",
                "RoomEngine", "WhiteboardRoom", "HuddleRooms",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HuddleCLITests",
            dependencies: [
                "HuddleCLI", "HuddleRooms", "CounterRoom", "RoomEngine", "RoomEngineSocketIO", "SnapshotStore",
                "SQLiteSnapshotStore", "PostgresSnapshotStore", "PostgresTestSupport", "SocketIO",
                // the built-in renderers tested without I/O; PNGs decoded (zlib) to check pixels
                "WhiteboardRoom", "ArenaRoom", "ZlibCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RoomEngineTests",
            dependencies: ["RoomEngine", "WhiteboardRoom", "ArenaRoom", "CounterRoom", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
