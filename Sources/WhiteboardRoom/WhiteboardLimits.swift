public import RoomEngine

/// The fixed limits of a whiteboard room, all enforced with an error rather
/// than by dropping data (documented in `docs/room-engine.md`).
public enum WhiteboardLimits {
    /// The largest coordinate on either axis: the canvas is 0…4095 square.
    public static let canvasMax: UInt16 = 4095
    /// Members one board holds.
    public static let capacity = 32
    /// Ticks per second of a whiteboard room.
    public static let ticksPerSecond = 20
    /// Points one stroke may hold in total; an append beyond it is refused whole.
    public static let maxPointsPerStroke = 4096
    /// Points one `appendPoints` input may carry.
    public static let maxPointsPerAppend = 256
    /// Strokes (committed plus in progress) one board may hold.
    public static let maxStrokes = 2000
    /// Strokes one member may have in progress at once (multi-touch).
    public static let maxOpenStrokesPerMember = 4
    /// Shapes one board may hold.
    public static let maxShapes = 500
    /// The largest document one board may hold, in bytes of its encoding:
    /// the encoded strokes (committed and open) and shapes, as
    /// ``WhiteboardState/documentBytes`` counts them. An operation that would
    /// take the board past it is refused whole (`limitReached`).
    ///
    /// 16 MiB − 64 KiB = 16,711,680 bytes: a 16 MB board (about 4.2 million
    /// points) fits, and a joiner's snapshot of a full board (this, plus the
    /// members, the PRNG and the snapshot's header: a few KiB at 32 members)
    /// stays within 16 MiB, the largest message the Swift client accepts by
    /// default (`ClientOptions.maxIncomingMessageBytes`). The other limits
    /// alone allowed 2000 strokes × 4096 points, about 32.8 MB.
    public static let maxDocumentBytes = 16_711_680
    /// The allowed stroke widths, in canvas units.
    public static let strokeWidths: ClosedRange<UInt8> = 1...64
    /// The largest colour value (24-bit RGB).
    public static let maxColor: UInt32 = 0xFF_FFFF
    /// The largest encoded input: an append of ``maxPointsPerAppend`` points
    /// (1 + 5 + 3 + 4 × 256 = 1033 bytes) rounded up.
    public static let maxInputBytes = 1100

    /// The member colours, handed out in order on join: the first colour no
    /// current member has; when all are taken, one drawn from the room's PRNG.
    public static let palette: [UInt32] = [
        0xE6_194B, 0x3C_B44B, 0x43_63D8, 0xF5_8231, 0x91_1EB4, 0x42_D4F4,
        0xF0_32E6, 0xBF_EF45, 0x46_9990, 0x9A_6324, 0x80_0000, 0x00_0075,
    ]

    /// The rules a ``Room`` enforces for whiteboards.
    public static let rules = RoomRules(
        capacity: capacity,
        ticksPerSecond: ticksPerSecond,
        maxInputBytes: maxInputBytes,
        roomReliableQueueLimit: 512,
        memberReliableQueueLimit: 64,
        positionHistoryLength: 64
    )
}
