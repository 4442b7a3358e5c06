// swift-tools-version: 6.0
import PackageDescription

/// Battleship on Huddle: a third room kind in a package of its own, turn
/// based with hidden per-player state (each player sees its own fleet and
/// only the shots at the other). It depends on Huddle by path, as an app
/// would by URL, and gets the whole `huddle` command line for its kind and
/// the built-in ones. See README.md.
let package = Package(
    name: "Battleship",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Huddle", path: "../.."),
    ],
    targets: [
        // The kind: Codable state, inputs and operations, and member views.
        .target(
            name: "BattleshipRoom",
            dependencies: [.product(name: "RoomEngine", package: "Huddle")]
        ),
        // `battleship-huddle serve | sessions | show | replay | verify | export`.
        .executableTarget(
            name: "battleship-huddle",
            dependencies: [
                "BattleshipRoom",
                .product(name: "HuddleCLI", package: "Huddle"),
                .product(name: "HuddleRooms", package: "Huddle"),
            ]
        ),
        .testTarget(
            name: "BattleshipRoomTests",
            dependencies: [
                "BattleshipRoom",
                .product(name: "RoomEngine", package: "Huddle"),
                .product(name: "HuddleCLI", package: "Huddle"),
                .product(name: "HuddleRooms", package: "Huddle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
