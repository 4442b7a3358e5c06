import NIOCore
import RoomEngine

/// A snapshot a session is streaming to its client, chunk by chunk, and the
/// deliveries that wait for its end.
///
/// Backpressure: at most ``window`` chunks are handed to the connection and
/// not yet acknowledged by the client; the next one goes when an
/// acknowledgement comes back. Order: everything the room sends the member
/// meanwhile (operations, answers, errors, a close) waits here, in arrival
/// order, and is delivered after the last chunk; consecutive `ops` batches
/// are joined into one (the layout is a concatenation of operations), and
/// deltas are dropped (volatile: the first delta after the stream is
/// encoded against an acknowledged baseline anyway).
struct OutgoingSnapshot {
    /// What ``hold(_:)`` did with a delivery.
    enum Held: Equatable {
        /// Kept, to be delivered after the stream.
        case kept
        /// Dropped (a delta).
        case dropped
        /// Keeping it would pass the bound of held operation bytes.
        case overflow
    }

    /// Tells this stream's acknowledgements from those of an earlier one.
    let id: UInt64
    /// The room the snapshot is of.
    let room: RoomID
    var chunker: SnapshotChunker
    /// Chunks handed out and not acknowledged at most.
    let window: Int
    /// Bytes of held `ops` at most (``RoomServiceConfiguration/snapshotStreamHeldBytes``).
    let heldBytesLimit: Int
    /// Chunks handed out and not acknowledged yet.
    private(set) var inFlight = 0
    /// Deliveries waiting for the end of the stream, in arrival order.
    private(set) var held: [Delivery] = []
    /// Bytes of the `ops` batches in ``held``.
    private(set) var heldOperationBytes = 0

    init(id: UInt64, room: RoomID, snapshot: ByteBuffer, chunkBytes: Int, window: Int, heldBytesLimit: Int) {
        precondition(window > 0, "at least one chunk in flight")
        self.id = id
        self.room = room
        self.chunker = SnapshotChunker(snapshot: snapshot, chunkBytes: chunkBytes)
        self.window = window
        self.heldBytesLimit = heldBytesLimit
    }

    /// The next chunk to send, when the window has room for it (counted as
    /// in flight from now on); nil when the window is full or every chunk
    /// went.
    mutating func nextChunk() -> (offset: Int, bytes: ByteBuffer)? {
        guard inFlight < window, let chunk = chunker.next() else { return nil }
        inFlight += 1
        return chunk
    }

    /// The client acknowledged a chunk.
    mutating func acknowledged() {
        inFlight = max(0, inFlight - 1)
    }

    /// Whether every chunk was handed out (the held deliveries may go).
    var isSent: Bool { chunker.isFinished }

    /// Keeps `delivery` for after the stream (see the type's rules).
    mutating func hold(_ delivery: Delivery) -> Held {
        switch delivery {
        case .delta:
            return .dropped
        case .operations(let room, var bytes):
            guard heldOperationBytes + bytes.readableBytes <= heldBytesLimit else { return .overflow }
            heldOperationBytes += bytes.readableBytes
            if case .operations(let previousRoom, var joined)? = held.last, previousRoom == room {
                joined.writeBuffer(&bytes)
                held[held.count - 1] = .operations(room, joined)
            } else {
                held.append(delivery)
            }
            return .kept
        default:
            held.append(delivery)
            return .kept
        }
    }
}
