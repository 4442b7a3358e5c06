import NIOCore
@testable import RoomClient
import SocketIOCore
import Synchronization
import Testing

@Suite("Snapshot assembly from chunks")
struct SnapshotAssemblyTests {
    let bytes: [UInt8] = (0..<100).map { UInt8($0 * 3 % 256) }

    @Test("byte by byte: complete exactly at the last byte, the same bytes")
    func byteByByte() throws {
        var assembly = try SnapshotAssembly(length: bytes.count, limit: 1000)
        for (offset, byte) in bytes.enumerated() {
            let complete = try assembly.add(offset: offset, total: bytes.count, chunk: [byte])
            #expect(complete == (offset == bytes.count - 1))
        }
        #expect(assembly.bytes == bytes)
    }

    @Test("one chunk of the whole snapshot; chunks of a size that divides it")
    func boundaries() throws {
        var whole = try SnapshotAssembly(length: bytes.count, limit: bytes.count)
        #expect(try whole.add(offset: 0, total: bytes.count, chunk: bytes))
        #expect(whole.bytes == bytes)
        var quarters = try SnapshotAssembly(length: bytes.count, limit: 1000)
        for start in stride(from: 0, to: 100, by: 25) {
            #expect(try quarters.add(offset: start, total: 100, chunk: bytes[start..<start + 25]) == (start == 75))
        }
        #expect(quarters.bytes == bytes)
    }

    @Test("empty, oversized and inconsistent streams are protocol violations that say what was wrong")
    func inconsistent() throws {
        #expect(throws: RoomClientError.self) { try SnapshotAssembly(length: 0, limit: 10) }
        do {
            _ = try SnapshotAssembly(length: 11, limit: 10)
            Issue.record("over the limit accepted")
        } catch {
            #expect(error.code == .protocolViolation && error.message.contains("limit of 10"))
        }
        func failure(_ steps: (inout SnapshotAssembly) throws -> Void) -> String? {
            do {
                var assembly = try SnapshotAssembly(length: 10, limit: 100)
                try steps(&assembly)
                return nil
            } catch let error as RoomClientError {
                #expect(error.code == .protocolViolation)
                return error.message
            } catch {
                Issue.record("not a RoomClientError: \(error)")
                return nil
            }
        }
        #expect(failure { _ = try $0.add(offset: 1, total: 10, chunk: [1]) }?.contains("offset 1, where 0") == true)
        #expect(failure { _ = try $0.add(offset: 0, total: 10, chunk: [1, 2]); _ = try $0.add(offset: 1, total: 10, chunk: [3]) }?
            .contains("offset 1, where 2") == true)
        #expect(failure { _ = try $0.add(offset: 0, total: 12, chunk: [1]) }?.contains("12-byte") == true)
        #expect(failure { _ = try $0.add(offset: 0, total: 10, chunk: [UInt8]()) }?.contains("empty") == true)
        #expect(failure { _ = try $0.add(offset: 0, total: 10, chunk: [UInt8](repeating: 0, count: 11)) }?.contains("passes the end") == true)
        #expect(failure { _ = try $0.add(offset: -1, total: 10, chunk: [1]) } != nil)
    }

    @Test("the receiver: an answer's stream completes on its last chunk; a chunk without a header fails it; a drop abandons it")
    func receiver() {
        let receiver = SnapshotReceiver(limit: 1000)
        let outcomes = OutcomeBox()
        receiver.expect(length: 4) { outcomes.append($0) }
        receiver.received([.object(["offset": 0, "total": 4]), .binary(ByteBuffer(bytes: [1, 2]))])
        #expect(outcomes.values.isEmpty)
        receiver.received([.object(["offset": 2, "total": 4]), .binary(ByteBuffer(bytes: [3, 4]))])
        #expect(outcomes.values == [.success([1, 2, 3, 4])])
        receiver.received([.object(["offset": 4, "total": 4]), .binary(ByteBuffer(bytes: [5]))])  // nobody waits: ignored
        #expect(outcomes.values.count == 1)

        receiver.expect(length: 4) { outcomes.append($0) }
        receiver.received([.binary(ByteBuffer(bytes: [1]))])
        #expect(outcomes.values.count == 2)
        if case .failure(let error) = outcomes.values.last { #expect(error.code == .protocolViolation) } else { Issue.record("accepted") }

        receiver.expect(length: 4) { outcomes.append($0) }
        receiver.abandon(RoomClientError(code: .connectionLost, message: "gone"))
        if case .failure(let error) = outcomes.values.last { #expect(error.code == .connectionLost) } else { Issue.record("not abandoned") }
    }
}

/// Collects a receiver's outcomes.
private final class OutcomeBox: Sendable {
    private let stored = Mutex<[Result<[UInt8], RoomClientError>]>([])
    var values: [Result<[UInt8], RoomClientError>] { stored.withLock { $0 } }
    func append(_ value: Result<[UInt8], RoomClientError>) { stored.withLock { $0.append(value) } }
}
