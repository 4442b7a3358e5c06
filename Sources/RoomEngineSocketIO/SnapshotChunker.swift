import NIOCore

/// Cuts one encoded snapshot into the chunks of its stream
/// (`snapshot-chunk` events, `docs/room-protocol.md`, "Large snapshots"):
/// consecutive slices of at most ``chunkBytes`` bytes, in order, covering
/// every byte once. A slice shares the snapshot's storage: chunking copies
/// nothing, so every joiner of a tick refers to the one buffer the room
/// encoded.
///
/// ```swift
/// var chunker = SnapshotChunker(snapshot: bytes, chunkBytes: 256 * 1024)
/// while let chunk = chunker.next() { send(offset: chunk.offset, total: chunker.total, chunk.bytes) }
/// ```
struct SnapshotChunker {
    /// The whole snapshot (its readable bytes).
    let snapshot: ByteBuffer
    /// The largest chunk.
    let chunkBytes: Int
    /// Where the next chunk starts (the bytes before it were handed out).
    private(set) var offset = 0

    /// A chunker of `snapshot`'s readable bytes; `chunkBytes` must be positive.
    init(snapshot: ByteBuffer, chunkBytes: Int) {
        precondition(chunkBytes > 0, "a chunk holds at least one byte")
        self.snapshot = snapshot
        self.chunkBytes = chunkBytes
    }

    /// Whether a snapshot of `byteCount` bytes goes out in chunks of
    /// `chunkBytes` (more than one chunk's worth); else it travels whole, in
    /// the join answer.
    static func streams(byteCount: Int, chunkBytes: Int) -> Bool {
        byteCount > chunkBytes
    }

    /// The snapshot's length in bytes.
    var total: Int { snapshot.readableBytes }

    /// How many chunks the stream has (0 for an empty snapshot).
    var chunkCount: Int { (total + chunkBytes - 1) / chunkBytes }

    /// Whether every chunk was handed out.
    var isFinished: Bool { offset >= total }

    /// The next chunk and its offset in the snapshot, or nil after the last.
    mutating func next() -> (offset: Int, bytes: ByteBuffer)? {
        guard !isFinished else { return nil }
        let length = min(chunkBytes, total - offset)
        guard let slice = snapshot.getSlice(at: snapshot.readerIndex + offset, length: length) else { return nil }
        defer { offset += length }
        return (offset, slice)
    }
}
