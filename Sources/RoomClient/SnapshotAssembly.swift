/// A snapshot arriving in chunks (`docs/room-protocol.md`, "Large
/// snapshots"): the answer announced `length` bytes, and each
/// `snapshot-chunk` event brings `{offset, total}` and the bytes from
/// `offset`. Chunks come in order, back to back, without gaps or overlap;
/// anything else is a ``RoomClientError/Code/protocolViolation`` that says
/// what was wrong.
///
/// ```swift
/// var assembly = try SnapshotAssembly(length: 600_000, limit: 32 << 20)
/// if try assembly.add(offset: 0, total: 600_000, chunk: bytes) { decode(assembly.bytes) }
/// ```
struct SnapshotAssembly: Sendable {
    /// The announced length.
    let length: Int
    /// The bytes so far (all of them once ``isComplete``).
    private(set) var bytes: [UInt8] = []

    /// An empty assembly of `length` bytes; refused when `length` is not
    /// positive or passes `limit` (the client's bound on a snapshot).
    init(length: Int, limit: Int) throws(RoomClientError) {
        guard length > 0 else { throw .violation("a snapshot stream of \(length) bytes") }
        guard length <= limit else {
            throw .violation("a snapshot of \(length) bytes is over this client's limit of \(limit) (maxSnapshotBytes)")
        }
        self.length = length
        bytes.reserveCapacity(length)
    }

    /// Whether every byte arrived.
    var isComplete: Bool { bytes.count == length }

    /// Adds the chunk at `offset` of a snapshot of `total` bytes; true once
    /// the snapshot is complete.
    mutating func add(offset: Int, total: Int, chunk: some Collection<UInt8>) throws(RoomClientError) -> Bool {
        guard total == length else {
            throw .violation("a snapshot chunk of a \(total)-byte snapshot in a stream of \(length) bytes")
        }
        guard offset == bytes.count else {
            throw .violation("a snapshot chunk at offset \(offset), where \(bytes.count) was expected")
        }
        guard !chunk.isEmpty else { throw .violation("an empty snapshot chunk at offset \(offset)") }
        guard chunk.count <= length - offset else {
            throw .violation("a snapshot chunk of \(chunk.count) bytes at offset \(offset) passes the end (\(length))")
        }
        bytes.append(contentsOf: chunk)
        return isComplete
    }
}
