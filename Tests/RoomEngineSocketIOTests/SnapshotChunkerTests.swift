import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import Testing

@Suite("Snapshot chunks: cutting and holding")
struct SnapshotChunkerTests {
    /// Every chunk of `bytes` cut at `chunkBytes`.
    private func chunks(of bytes: [UInt8], chunkBytes: Int) -> [(offset: Int, bytes: [UInt8])] {
        var chunker = SnapshotChunker(snapshot: ByteBuffer(bytes: bytes), chunkBytes: chunkBytes)
        var out: [(Int, [UInt8])] = []
        while let chunk = chunker.next() { out.append((chunk.offset, Array(chunk.bytes.readableBytesView))) }
        #expect(chunker.isFinished)
        #expect(chunker.next() == nil)
        return out
    }

    @Test("byte by byte: one chunk per byte, in order")
    func byteByByte() {
        let bytes: [UInt8] = Array(0..<200)
        let cut = chunks(of: bytes, chunkBytes: 1)
        #expect(cut.count == 200)
        #expect(cut.map(\.offset) == Array(0..<200))
        #expect(cut.flatMap(\.bytes) == bytes)
        #expect(SnapshotChunker(snapshot: ByteBuffer(bytes: bytes), chunkBytes: 1).chunkCount == 200)
    }

    @Test("exactly one chunk: travels whole, and cuts into one chunk")
    func exactlyOneChunk() {
        let bytes = [UInt8](repeating: 7, count: 64)
        #expect(!SnapshotChunker.streams(byteCount: 64, chunkBytes: 64))
        #expect(SnapshotChunker.streams(byteCount: 65, chunkBytes: 64))
        let cut = chunks(of: bytes, chunkBytes: 64)
        #expect(cut.count == 1)
        #expect(cut[0].offset == 0 && cut[0].bytes == bytes)
    }

    @Test("a multiple of the chunk size: full chunks only; otherwise a short last one")
    func chunkSizeMultiple() {
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let even = chunks(of: bytes, chunkBytes: 256)
        #expect(even.map(\.offset) == [0, 256, 512, 768])
        #expect(even.allSatisfy { $0.bytes.count == 256 })
        #expect(even.flatMap(\.bytes) == bytes)
        let uneven = chunks(of: Array(bytes[..<1000]), chunkBytes: 256)
        #expect(uneven.map(\.bytes.count) == [256, 256, 256, 232])
        #expect(uneven.flatMap(\.bytes) == Array(bytes[..<1000]))
        #expect(SnapshotChunker(snapshot: ByteBuffer(bytes: bytes[..<1000]), chunkBytes: 256).chunkCount == 4)
    }

    @Test("an empty snapshot has no chunk and never streams")
    func empty() {
        #expect(chunks(of: [], chunkBytes: 16).isEmpty)
        #expect(SnapshotChunker(snapshot: ByteBuffer(), chunkBytes: 16).chunkCount == 0)
        #expect(!SnapshotChunker.streams(byteCount: 0, chunkBytes: 16))
    }

    @Test("only the readable bytes are cut (a buffer read from already)")
    func readableBytesOnly() {
        var buffer = ByteBuffer(bytes: [9, 9, 9, 1, 2, 3, 4, 5])
        buffer.moveReaderIndex(forwardBy: 3)
        var chunker = SnapshotChunker(snapshot: buffer, chunkBytes: 2)
        var seen: [UInt8] = []
        while let chunk = chunker.next() { seen += chunk.bytes.readableBytesView }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(chunker.total == 5)
    }

    @Test("the window: at most its chunks in flight, one more per acknowledgement")
    func window() {
        var stream = OutgoingSnapshot(
            id: 1, room: "whiteboard-1", snapshot: ByteBuffer(bytes: Array(0..<10)), chunkBytes: 3, window: 2, heldBytesLimit: 100
        )
        #expect(stream.nextChunk()?.offset == 0)
        #expect(stream.nextChunk()?.offset == 3)
        #expect(stream.nextChunk() == nil)  // the window is full
        stream.acknowledged()
        #expect(stream.nextChunk()?.offset == 6)
        #expect(stream.nextChunk() == nil)
        #expect(!stream.isSent)
        stream.acknowledged()
        #expect(stream.nextChunk().map { Array($0.bytes.readableBytesView) } == [9])
        #expect(stream.isSent)
        #expect(stream.nextChunk() == nil)
    }

    @Test("held deliveries: deltas dropped, operations joined in order, bounded")
    func holding() {
        var stream = OutgoingSnapshot(
            id: 1, room: "whiteboard-1", snapshot: ByteBuffer(bytes: [1, 2, 3]), chunkBytes: 1, window: 1, heldBytesLimit: 6
        )
        #expect(stream.hold(.delta("whiteboard-1", tick: 3, ByteBuffer(bytes: [2]))) == .dropped)
        #expect(stream.hold(.operations("whiteboard-1", ByteBuffer(bytes: [1, 2]))) == .kept)
        #expect(stream.hold(.operations("whiteboard-1", ByteBuffer(bytes: [3]))) == .kept)
        #expect(stream.hold(.reply(token: 4, .null)) == .kept)
        #expect(stream.hold(.operations("whiteboard-1", ByteBuffer(bytes: [4, 5]))) == .kept)
        #expect(stream.hold(.operations("whiteboard-1", ByteBuffer(bytes: [6, 7]))) == .overflow)
        #expect(stream.heldOperationBytes == 5)
        #expect(stream.held.count == 3)
        guard case .operations(_, let joined) = stream.held[0], case .reply = stream.held[1],
              case .operations(_, let last) = stream.held[2] else {
            Issue.record("held out of order: \(stream.held)")
            return
        }
        #expect(Array(joined.readableBytesView) == [1, 2, 3])
        #expect(Array(last.readableBytesView) == [4, 5])
    }
}
