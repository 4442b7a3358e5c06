import RoomEngine

/// The encoded size of the document's elements, computed from their fields
/// and point counts without encoding them: what ``WhiteboardState`` adds up
/// in ``WhiteboardState/documentBytes`` to enforce
/// ``WhiteboardLimits/maxDocumentBytes``.
extension Stroke {
    /// The bytes ``encode(into:)`` writes for this stroke.
    ///
    /// ```swift
    /// Stroke(authorSlot: 0, id: 1, color: 0, width: 1, points: [CanvasPoint(x: 1, y: 1)]).encodedSize  // 12
    /// ```
    public var encodedSize: Int {
        Self.encodedSize(authorSlot: authorSlot, id: id, pointCount: points.count)
    }

    /// The bytes a stroke of this author and id with `pointCount` points encodes to.
    static func encodedSize(authorSlot: UInt16, id: UInt32, pointCount: Int) -> Int {
        BinaryWriter.varintSize(UInt64(authorSlot)) + BinaryWriter.varintSize(UInt64(id))
            + 4 + 1   // u32 color, u8 width
            + BinaryWriter.varintSize(UInt64(pointCount)) + 4 * pointCount
    }
}

extension Shape {
    /// The bytes ``encode(into:)`` writes for this shape: `varint id`, the
    /// kind byte, 8 bytes of bounds, a 4-byte colour.
    public var encodedSize: Int {
        BinaryWriter.varintSize(UInt64(id)) + 1 + 8 + 4
    }
}

extension WhiteboardState {
    /// The document's size plus room for the members, the counts and the
    /// PRNG: a full board's snapshot is written into one buffer.
    public var encodedSizeHint: Int {
        documentBytes + 64 * members.count + 64
    }

    /// Refuses, with `limitReached`, a change that would add `growth` bytes
    /// to a document that cannot take them.
    func checkDocumentRoom(for growth: Int) throws(RoomError) {
        let limit = WhiteboardLimits.maxDocumentBytes
        guard growth <= limit - documentBytes else {
            throw .limitReached("\(limit) bytes per board (\(documentBytes) used, \(growth) more asked)")
        }
    }

    /// The encoded size of `strokes` added up (decoding and `clear`; never
    /// on the path of a point append).
    static func encodedSize(of strokes: [Stroke]) -> Int {
        strokes.reduce(0) { $0 + $1.encodedSize }
    }
}
