import NIOCore

/// The `ops` batches one member was sent (or is owed while it is away),
/// newest last, so that a `rejoin` can replay what the member missed.
///
/// Bounded by ``Limits``: past `batches` or `bytes`, the oldest batch goes.
/// A `rejoin` whose sequence is older than the oldest batch kept gets a
/// snapshot instead (``operations(after:)`` returns nil). The batches are the
/// buffers the fan-out encoded once per tick for every member, so the
/// memory is shared by all the members of a room.
///
/// ```swift
/// var replay = OperationReplay(limits: .init(batches: 256, bytes: 1 << 20), newest: snapshot.operationSequence)
/// replay.append(batch, first: 12, last: 14)
/// replay.operations(after: 11)   // the batch: 12, 13, 14
/// ```
struct OperationReplay {
    /// How much one member's replay keeps.
    struct Limits: Equatable, Sendable {
        /// Batches kept at most.
        var batches: Int
        /// Bytes (the batches' sizes added up) kept at most.
        var bytes: Int
    }

    private struct Batch {
        let first: UInt64
        let last: UInt64
        let bytes: ByteBuffer
    }

    private let limits: Limits
    private var kept = CircularBuffer<Batch>(initialCapacity: 4)
    private var keptBytes = 0
    /// The newest operation the member holds or is owed: its snapshot's
    /// `operationSequence`, then the last operation of each batch.
    private(set) var newest: UInt64
    /// Whether nothing the member holds can be trusted until it gets a
    /// snapshot: a member of a room resumed on another node after its
    /// owner died, whose client may hold operations the resumed room never
    /// produced (``operations(after:)`` is nil until ``restarted(at:)``).
    private(set) var owesSnapshot = false

    /// A replay for a member whose document is at `newest` (its snapshot's sequence).
    init(limits: Limits, newest: UInt64 = 0, owesSnapshot: Bool = false) {
        self.limits = limits
        self.newest = newest
        self.owesSnapshot = owesSnapshot
    }

    /// Keeps one batch whose operations run from `first` to `last`.
    mutating func append(_ bytes: ByteBuffer, first: UInt64, last: UInt64) {
        kept.append(Batch(first: first, last: last, bytes: bytes))
        keptBytes += bytes.readableBytes
        newest = max(newest, last)
        while !kept.isEmpty, kept.count > limits.batches || keptBytes > limits.bytes {
            keptBytes -= kept.removeFirst().bytes.readableBytes
        }
    }

    /// The member was sent a snapshot at `sequence`: it holds everything up to it.
    mutating func restarted(at sequence: UInt64) {
        newest = max(newest, sequence)
        owesSnapshot = false
    }

    /// Every operation after `sequence`, in the `ops` layout (the first
    /// batch may repeat operations up to `sequence`; clients skip them);
    /// empty when nothing was missed. Nil when they are no longer all kept,
    /// or `sequence` is newer than anything the member was sent, or the
    /// member ``owesSnapshot``: then only a snapshot will do.
    func operations(after sequence: UInt64) -> ByteBuffer? {
        if owesSnapshot { return nil }
        if sequence == newest { return ByteBuffer() }
        guard sequence < newest, let start = kept.firstIndex(where: { $0.last > sequence }),
              kept[start].first <= sequence + 1 else { return nil }
        let missed = kept[start...]
        var buffer = ByteBuffer()
        buffer.reserveCapacity(missed.reduce(0) { $0 + $1.bytes.readableBytes })
        for batch in missed {
            var bytes = batch.bytes
            buffer.writeBuffer(&bytes)
        }
        return buffer
    }
}
