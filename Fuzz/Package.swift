// swift-tools-version: 6.0
import PackageDescription

/// Fuzz targets for Huddle's decoders (libFuzzer, address sanitizer). A
/// package of its own, depending on Huddle by path, because each target is
/// built with `-sanitize=fuzzer,address` and has libFuzzer's entry points
/// instead of a main: `Tools/fuzz` builds and runs them (see its header).
let package = Package(
    name: "HuddleFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Huddle", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "SocketIOCore", package: "Huddle")]),
        .executableTarget(name: "fuzz-engineio-packet", dependencies: target("EngineIOCore")),
        .executableTarget(name: "fuzz-engineio-payload", dependencies: target("EngineIOCore")),
        .executableTarget(name: "fuzz-json", dependencies: target("SocketIOCore")),
        .executableTarget(name: "fuzz-socketio-packet", dependencies: target("SocketIOCore")),
        .executableTarget(name: "fuzz-attachments", dependencies: target("SocketIOCore")),
        .executableTarget(name: "fuzz-resp", dependencies: target("RedisClient")),
        // Not a fuzz target: Tools/fuzz-differential's Huddle side, built without sanitizers.
        .executableTarget(name: "decode-lines", dependencies: [.product(name: "SocketIOCore", package: "Huddle"), .product(name: "NIOCore", package: "swift-nio")]),
        .executableTarget(name: "fuzz-websocket", dependencies: target("EngineIOCore") + [.product(name: "ZlibCompression", package: "Huddle")]),
        .executableTarget(name: "fuzz-deflate", dependencies: target("ZlibCompression")),
        .executableTarget(
            name: "fuzz-http-head",
            dependencies: target("EngineIO") + [
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fuzz-room",
            dependencies: target("RoomEngine") + [.product(name: "WhiteboardRoom", package: "Huddle"), .product(name: "ArenaRoom", package: "Huddle")]
        ),
        .executableTarget(name: "fuzz-redis-adapter", dependencies: target("SocketIORedisAdapter")),
        .executableTarget(name: "fuzz-engineio-session", dependencies: target("EngineIO")),
        .executableTarget(name: "fuzz-relay", dependencies: target("RoomEngineSocketIO")),
        .executableTarget(name: "fuzz-store-rows", dependencies: target("SnapshotStore")),
    ],
    swiftLanguageModes: [.v6]
)

func target(_ huddle: String) -> [Target.Dependency] {
    ["FuzzSupport", .product(name: huddle, package: "Huddle"), .product(name: "NIOCore", package: "swift-nio")]
}
