public import RoomEngine

/// Integer fixed-point arithmetic for the arena, so physics is bit-identical
/// on every CPU and compiler.
///
/// Positions are `Int32` values with 8 fractional bits (1 unit = 256 raw);
/// products are taken in `Int64` and square roots with ``squareRoot(_:)``
/// (exact floor of the root), never with floating point. Division truncates
/// toward zero, as Swift's `/` does on every platform.
public enum FixedPoint {
    /// Fractional bits of a raw value.
    public static let fractionBits = 8
    /// One unit in raw fixed-point.
    public static let one: Int32 = 1 << 8

    /// Converts whole units to raw fixed-point.
    public static func units(_ value: Int32) -> Int32 { value << fractionBits }

    /// The floor of the square root of `value`, by Newton's method on integers.
    public static func squareRoot(_ value: UInt64) -> UInt64 {
        guard value > 1 else { return value }
        var estimate = UInt64(1) << ((64 - value.leadingZeroBitCount + 1) / 2)
        while true {
            let next = (estimate + value / estimate) / 2
            if next >= estimate { break }
            estimate = next
        }
        while estimate * estimate > value { estimate -= 1 }
        while (estimate + 1) * (estimate + 1) <= value { estimate += 1 }
        return estimate
    }

    /// `value` limited to `range`.
    public static func clamp(_ value: Int32, _ range: ClosedRange<Int32>) -> Int32 {
        min(max(value, range.lowerBound), range.upperBound)
    }
}

/// An axis-aligned wall in raw fixed-point coordinates (edges inclusive).
public struct ArenaWall: Equatable, Sendable {
    /// The left edge.
    public var minX: Int32
    /// The top edge.
    public var minY: Int32
    /// The right edge.
    public var maxX: Int32
    /// The bottom edge.
    public var maxY: Int32

    /// Creates a wall from whole-unit corners.
    public init(unitsFrom x0: Int32, _ y0: Int32, to x1: Int32, _ y1: Int32) {
        minX = FixedPoint.units(x0)
        minY = FixedPoint.units(y0)
        maxX = FixedPoint.units(x1)
        maxY = FixedPoint.units(y1)
    }
}

/// The fixed geometry and tuning of an arena (version 1 of the rules).
public enum ArenaGeometry {
    /// The arena is `size` × `size` units.
    public static let size: Int32 = 4096
    /// Player radius in raw fixed-point (24 units).
    public static let playerRadius: Int32 = FixedPoint.units(24)
    /// Pickup radius in raw fixed-point (12 units).
    public static let pickupRadius: Int32 = FixedPoint.units(12)
    /// Movement per tick along one axis, raw (6 units).
    public static let speed: Int32 = FixedPoint.units(6)
    /// Movement per tick on each axis when moving diagonally: `speed × 181 / 256`
    /// (181/256 ≈ 1/√2), so diagonal speed matches straight speed.
    public static let diagonalSpeed: Int32 = FixedPoint.units(6) * 181 / 256
    /// Button bit 0 doubles the speed for that tick.
    public static let dashButton: UInt8 = 0x01
    /// Ticks between a pickup being taken and the next one spawning.
    public static let respawnDelayTicks: UInt16 = 30
    /// Attempts to find a free spot before a spawn is postponed to the next tick.
    public static let spawnAttempts = 16
    /// Members one arena holds.
    public static let capacity = 16
    /// Ticks per second of an arena room.
    public static let ticksPerSecond = 30

    /// Interior walls: four pillars and a central bar.
    public static let walls: [ArenaWall] = [
        ArenaWall(unitsFrom: 900, 900, to: 1200, 1200),
        ArenaWall(unitsFrom: 2896, 900, to: 3196, 1200),
        ArenaWall(unitsFrom: 900, 2896, to: 1200, 3196),
        ArenaWall(unitsFrom: 2896, 2896, to: 3196, 3196),
        ArenaWall(unitsFrom: 1848, 1948, to: 2248, 2148),
    ]

    /// The range a player's centre may occupy on either axis.
    public static var playerRange: ClosedRange<Int32> {
        playerRadius...(FixedPoint.units(size) - playerRadius)
    }

    /// A raw coordinate quantized to the 16-bit wire grid (1/16 unit).
    public static func quantize(_ raw: Int32) -> UInt16 {
        UInt16(clamping: raw >> 4)
    }

    /// The rules a ``Room`` enforces for arenas.
    public static let rules = RoomRules(
        capacity: capacity,
        ticksPerSecond: ticksPerSecond,
        maxInputBytes: 16,
        roomReliableQueueLimit: 256,
        memberReliableQueueLimit: 8,
        positionHistoryLength: 64
    )
}
