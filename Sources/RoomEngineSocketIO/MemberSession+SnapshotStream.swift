import NIOCore
import RoomEngine
import SocketIO
import SocketIOCore
import Synchronization

/// Streaming a large snapshot to the client (`docs/room-protocol.md`,
/// "Large snapshots"): after the answer that announces it, `snapshot-chunk`
/// events of at most ``RoomServiceConfiguration/snapshotChunkBytes``, each
/// acknowledged by the client, at most
/// ``RoomServiceConfiguration/snapshotChunksInFlight`` unacknowledged. The
/// room's loop never waits for it: the room hands the session one shared
/// buffer, and the session, on its socket's loop, sends slices of it as the
/// client takes them. A client that stops reading holds its own stream
/// (the shared buffer and its unacknowledged chunks), nothing else.
extension MemberSession {
    /// The announcement of `snapshot` when it is to be streamed; nil when
    /// it travels whole, in the answer.
    func snapshotStream(of snapshot: ByteBuffer) -> RoomWire.SnapshotStream? {
        guard SnapshotChunker.streams(byteCount: snapshot.readableBytes, chunkBytes: chunkBytes) else { return nil }
        let chunker = SnapshotChunker(snapshot: snapshot, chunkBytes: chunkBytes)
        return RoomWire.SnapshotStream(length: chunker.total, chunks: chunker.chunkCount)
    }

    /// The configured chunk size (at least one byte).
    private var chunkBytes: Int { max(1, core.configuration.snapshotChunkBytes) }

    /// Starts streaming `snapshot` (its answer was just sent).
    func startStreaming(_ snapshot: ByteBuffer, of room: RoomID) {
        let configuration = core.configuration
        lastStreamID &+= 1
        outgoingSnapshot = OutgoingSnapshot(
            id: lastStreamID, room: room, snapshot: snapshot, chunkBytes: chunkBytes,
            window: max(1, configuration.snapshotChunksInFlight), heldBytesLimit: configuration.snapshotStreamHeldBytes
        )
        core.snapshotStreams.add(1, ordering: .relaxed)
        sendChunks()
    }

    /// Sends the chunks the window has room for; after the last one, what
    /// waited for the stream.
    private func sendChunks() {
        while var stream = outgoingSnapshot, let chunk = stream.nextChunk() {
            outgoingSnapshot = stream
            let id = stream.id
            let compress = chunk.bytes.readableBytes >= core.configuration.compressionThreshold
            let header = RoomWire.snapshotChunk(offset: chunk.offset, total: stream.chunker.total)
            core.snapshotChunks.add(1, ordering: .relaxed)
            socket.compress(compress).emit(RoomWire.Event.snapshotChunk, arguments: [header, .binary(chunk.bytes)]) { [weak self] result in
                self?.chunkAcknowledged(stream: id, result)
            }
        }
        guard let stream = outgoingSnapshot, stream.isSent else { return }
        endStream()
        for delivery in stream.held { receive(delivery) }
    }

    /// Ends a stream before its last chunk (the client left the room): the
    /// remaining chunks are not sent, what waited for them is delivered now.
    func stopStreaming() {
        guard let stream = outgoingSnapshot else { return }
        endStream()
        for delivery in stream.held { receive(delivery) }
    }

    /// Lets go of the stream (sent, or abandoned with what waited for it).
    func endStream() {
        guard outgoingSnapshot != nil else { return }
        outgoingSnapshot = nil
        core.snapshotStreams.subtract(1, ordering: .relaxed)
    }

    /// The client acknowledged a chunk (or the socket went away with it unacknowledged).
    private func chunkAcknowledged(stream id: UInt64, _ result: Result<[JSONValue], SocketIOAckError>) {
        guard var stream = outgoingSnapshot, stream.id == id else { return }
        guard case .success = result else {
            // The socket went away with the chunk (``disconnected(_:)`` ends the stream too).
            return endStream()
        }
        stream.acknowledged()
        outgoingSnapshot = stream
        sendChunks()
    }

    /// A delivery that arrived while the snapshot streams: kept for after
    /// it, or dropped (a delta); too many held operations make the client
    /// too slow, as unacknowledged `ops` do.
    func holdWhileStreaming(_ delivery: Delivery) {
        guard var stream = outgoingSnapshot else { return receive(delivery) }
        let held = stream.hold(delivery)
        outgoingSnapshot = stream
        if held == .overflow {
            endStream()
            socket.emit(RoomWire.Event.error, RoomWireError.tooSlow.event(for: RoomWire.Event.operations))
            socket.disconnect()
        }
    }
}
