import NIOCore
import SocketIOCore
import Synchronization

/// Where the `snapshot-chunk` events of a client's socket go: the one
/// snapshot stream a join or rejoin answer announced (`snapshotStream`),
/// assembled (``SnapshotAssembly``) and handed to the answer's completion
/// once complete, on the connection's loop, before any packet after the
/// last chunk (so the room is in place for the operations that follow).
final class SnapshotReceiver: Sendable {
    typealias Completion = @Sendable (Result<[UInt8], RoomClientError>) -> Void

    private struct Pending {
        var assembly: SnapshotAssembly
        let completion: Completion
    }

    /// The largest snapshot accepted (``RoomClientConfiguration/maxSnapshotBytes``).
    let limit: Int
    private let pending = Mutex<Pending?>(nil)

    init(limit: Int) {
        self.limit = limit
    }

    /// Waits for the chunks of a snapshot of `length` bytes (called with
    /// the answer that announced it); `completion` gets the bytes, or the
    /// stream's error.
    func expect(length: Int, _ completion: @escaping Completion) {
        let assembly: SnapshotAssembly
        do throws(RoomClientError) {
            assembly = try SnapshotAssembly(length: length, limit: limit)
        } catch {
            return completion(.failure(error))
        }
        let replaced = pending.withLock { pending in
            defer { pending = Pending(assembly: assembly, completion: completion) }
            return pending
        }
        replaced?.completion(.failure(.violation("a snapshot stream was announced before the previous one ended")))
    }

    /// A `snapshot-chunk` event's arguments: `{offset, total}` and the bytes.
    /// A chunk with no stream waiting (one that failed already) is ignored.
    func received(_ arguments: [JSONValue]) {
        let header = arguments.first
        let offset = header?["offset"]?.int64Value, total = header?["total"]?.int64Value
        let finished: (Completion, Result<[UInt8], RoomClientError>)? = pending.withLock { pending in
            guard var current = pending else { return nil }
            do throws(RoomClientError) {
                guard let offset, let total, arguments.count > 1, case .binary(let bytes) = arguments[1] else {
                    throw .violation("a snapshot chunk without {offset, total} and its bytes: \(header ?? .null)")
                }
                guard try current.assembly.add(offset: Int(offset), total: Int(total), chunk: bytes.readableBytesView) else {
                    pending = current
                    return nil
                }
                pending = nil
                return (current.completion, .success(current.assembly.bytes))
            } catch {
                pending = nil
                return (current.completion, .failure(error))
            }
        }
        if let (completion, result) = finished { completion(result) }
    }

    /// The connection dropped: a stream in progress fails with `error`.
    func abandon(_ error: RoomClientError) {
        let dropped = pending.withLock { pending in
            defer { pending = nil }
            return pending
        }
        dropped?.completion(.failure(error))
    }
}
