import RoomEngine

/// The whiteboard's ``RoomState/fingerprint``: what a recording keeps for
/// each tick, at a cost that follows what changed rather than the board.
///
/// It is FNV-1a-64 over the canonical encoding (``WhiteboardState`` says
/// the layout) with two replacements, each a digest the state keeps up to
/// date as operations apply:
/// - the committed strokes, after their count, are one `u64 LE`: FNV-1a-64
///   over the stroke digests (`u64 LE` each) in commit order;
/// - each open stroke's points, after its point count, are one `u64 LE`:
///   FNV-1a-64 over the points' bytes (`u16 LE x, u16 LE y` each).
///
/// A stroke's digest is FNV-1a-64 over its encoding with its points so
/// replaced. An append folds only the new points, a commit one digest, a
/// tick hashes members, open-stroke headers, shapes and the PRNG: about
/// 1 KB for a 16 MB board, where the canonical bytes would cost all 16 MB.
/// Equal boards have equal fingerprints (the digests are functions of the
/// content; a decoded board recomputes them), and any change of the
/// content changes it, but for FNV collisions.
///
/// ```swift
/// var state = WhiteboardState(seed: 1)
/// let empty = state.fingerprint
/// try state.apply(.memberJoined(slot: 0, member: "ada", color: 0xE6194B))
/// state.fingerprint != empty   // true
/// ```
extension WhiteboardState {
    /// See the extension's documentation.
    public var fingerprint: UInt64 {
        var writer = BinaryWriter(hashingFrom: StateHash.offsetBasis)
        writer.writeVarint(UInt64(members.count))
        for member in members { member.encode(into: &writer) }
        writer.writeVarint(UInt64(strokes.count))
        writer.writeUInt64(committedStrokesDigest)
        writer.writeVarint(UInt64(openStrokes.count))
        for (stroke, points) in zip(openStrokes, openPointDigests) {
            Self.writeHeader(of: stroke, pointsDigest: points, into: &writer)
        }
        writer.writeVarint(UInt64(shapes.count))
        for shape in shapes { shape.encode(into: &writer) }
        random.encode(into: &writer)
        return writer.finishedHash()
    }

    /// FNV-1a-64 over `points`' bytes, continuing from `digest` (the offset
    /// basis for a new stroke).
    static func digest(of points: [CanvasPoint], continuing digest: UInt64 = StateHash.offsetBasis) -> UInt64 {
        var writer = BinaryWriter(hashingFrom: digest)
        PointRun.writeRaw(points, into: &writer)
        return writer.finishedHash()
    }

    /// A stroke's digest: its encoding with the points replaced by their digest.
    static func digest(of stroke: Stroke, pointsDigest: UInt64) -> UInt64 {
        var writer = BinaryWriter(hashingFrom: StateHash.offsetBasis)
        writeHeader(of: stroke, pointsDigest: pointsDigest, into: &writer)
        return writer.finishedHash()
    }

    /// `committedStrokesDigest` with one more committed stroke.
    static func digest(committing stroke: Stroke, pointsDigest: UInt64, after committed: UInt64) -> UInt64 {
        var writer = BinaryWriter(hashingFrom: committed)
        writer.writeUInt64(digest(of: stroke, pointsDigest: pointsDigest))
        return writer.finishedHash()
    }

    private static func writeHeader(of stroke: Stroke, pointsDigest: UInt64, into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(stroke.authorSlot))
        writer.writeVarint(UInt64(stroke.id))
        writer.writeUInt32(stroke.color)
        writer.writeUInt8(stroke.width)
        writer.writeVarint(UInt64(stroke.points.count))
        writer.writeUInt64(pointsDigest)
    }

    /// The digests computed from the content alone (a decoded board; and
    /// what tests compare the kept ones with).
    static func digests(strokes: [Stroke], openStrokes: [Stroke]) -> (committed: UInt64, open: [UInt64]) {
        var committed = StateHash.offsetBasis
        for stroke in strokes {
            committed = digest(committing: stroke, pointsDigest: digest(of: stroke.points), after: committed)
        }
        return (committed, openStrokes.map { digest(of: $0.points) })
    }
}
