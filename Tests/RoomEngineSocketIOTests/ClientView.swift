import ArenaRoom
import NIOCore
import RoomEngine
import SocketIOCore
import WhiteboardRoom

/// What happens to one received delta in a test client: a lossy network
/// loses some (never applied, never acked), and acks get lost too.
enum DeltaFate: Sendable {
    case applyAndAck
    case applyWithoutAck
    case lose
}

/// Everything a test client has learnt from the server, in arrival order:
/// the join answer and its snapshot, the document rebuilt by applying the
/// operations to the snapshot (the same `apply` the server uses), the
/// position table mirrored from deltas, and any errors.
struct ClientView: Sendable {
    var socketID: String?
    var room: String?
    var member: String?
    var kind: String?
    var snapshot: RoomSnapshot?
    /// The whiteboard document: snapshot + operations.
    var whiteboard: WhiteboardState?
    /// The arena state of the snapshot (arena operations are collected below).
    var arena: ArenaState?
    var arenaOperations: [ArenaOperation] = []
    /// The last operation sequence applied.
    var operationSequence: UInt64 = 0
    /// Operations that arrived out of sequence or did not apply (must stay empty).
    var operationFaults: [String] = []
    var operationBatches = 0
    /// Every operation payload applied, in order (for kinds the view does not decode).
    var operationPayloads: [[UInt8]] = []
    var mirror = PositionDeltaMirror()
    var deltasApplied = 0
    var deltasLost = 0
    /// Deltas whose baseline was older than the previous tick (a loss was repaired).
    var deltasAgainstOlderBaselines = 0
    var fullDeltas = 0
    /// The newest baseline a delta was encoded against (the newest
    /// acknowledgement the server had taken).
    var newestBaseline: UInt64 = 0
    var deltaFaults: [String] = []
    var errors: [JSONValue] = []
    var roomClosed = false
    /// The `reason` of every `room-closed` received.
    var closedReasons: [String] = []
    /// The seat of the join (or rejoin) answer, and its grace in milliseconds.
    var seat: String?
    var grace: Int64?
    var disconnected = false
    var transportClosed = false
    /// A join or rejoin answer whose snapshot streams in chunks, until it is complete.
    var streamingAnswer: JSONValue?
    /// The chunks of that snapshot so far.
    var snapshotBytes: [UInt8] = []
    /// `snapshot-chunk` packets received.
    var snapshotChunks = 0

    /// The mirrored positions.
    var positions: PositionTable { mirror.table }

    /// The error codes of the `room-error` events received.
    var errorCodes: [String] { errors.compactMap { $0["code"]?.stringValue } }

    /// This member's slot, from the document or the arena state.
    var slot: UInt16? {
        guard let member else { return nil }
        if let whiteboard { return whiteboard.member(MemberID(member))?.slot }
        if let arena { return arena.player(MemberID(member))?.slot }
        return nil
    }

    /// A rejoin answer with `operations`: the document carries on from the
    /// view this client took over (``RoomTestClient/takeOver(_:)``).
    mutating func adoptRejoin(_ answer: JSONValue) {
        room = answer["room"]?.stringValue
        member = answer["member"]?.stringValue
        kind = answer["kind"]?.stringValue
        seat = answer["seat"]?.stringValue
        grace = answer["grace"]?.int64Value
        guard case .binary(let bytes)? = answer["operations"] else { return }
        receiveOperations(Array(bytes.readableBytesView))
    }

    mutating func adoptJoin(_ answer: JSONValue) {
        room = answer["room"]?.stringValue
        member = answer["member"]?.stringValue
        kind = answer["kind"]?.stringValue
        seat = answer["seat"]?.stringValue
        grace = answer["grace"]?.int64Value
        guard case .binary(let bytes)? = answer["snapshot"], let decoded = try? RoomSnapshot(decoding: Array(bytes.readableBytesView)) else {
            operationFaults.append("join answer without a decodable snapshot")
            return
        }
        snapshot = decoded
        operationSequence = decoded.operationSequence
        switch decoded.kind {
        case .whiteboard:
            whiteboard = try? WhiteboardState.decodeState(decoded.state)
            if let whiteboard { mirror.adopt(table: whiteboard.positions, at: decoded.tick) }
        case .arena:
            arena = try? ArenaState.decodeState(decoded.state)
            if let arena { mirror.adopt(table: arena.positions, at: decoded.tick) }
        default:
            break
        }
    }

    /// An answer with `snapshotStream`: the snapshot follows in chunks.
    mutating func expectSnapshotStream(_ answer: JSONValue) {
        streamingAnswer = answer
        snapshotBytes = []
        room = answer["room"]?.stringValue
        member = answer["member"]?.stringValue
    }

    /// One `snapshot-chunk`: appended at its offset; the last one completes
    /// the answer, adopted as if the snapshot had come in it.
    mutating func receiveSnapshotChunk(_ header: JSONValue, _ bytes: [UInt8]) {
        snapshotChunks += 1
        guard case .object(var answer)? = streamingAnswer,
              let length = answer["snapshotStream"]?["length"]?.int64Value,
              header["offset"]?.int64Value == Int64(snapshotBytes.count), header["total"]?.int64Value == length
        else {
            return operationFaults.append("a snapshot chunk out of place: \(header), \(snapshotBytes.count) bytes so far")
        }
        snapshotBytes += bytes
        guard snapshotBytes.count >= Int(length) else { return }
        answer["snapshot"] = .binary(ByteBuffer(bytes: snapshotBytes))
        streamingAnswer = nil
        adoptJoin(.object(answer))
    }

    mutating func receiveOperations(_ bytes: [UInt8]) {
        if streamingAnswer != nil { operationFaults.append("operations before the snapshot's last chunk") }
        operationBatches += 1
        var reader = BinaryReader(bytes)
        while !reader.isAtEnd {
            guard let operation = try? SequencedOperation(from: &reader) else {
                operationFaults.append("undecodable operation batch")
                return
            }
            if operation.sequence <= operationSequence { continue }
            if operation.sequence != operationSequence + 1 {
                operationFaults.append("gap: \(operationSequence) → \(operation.sequence)")
            }
            operationSequence = operation.sequence
            operationPayloads.append(operation.payload)
            if whiteboard != nil {
                do {
                    try whiteboard?.apply(try WhiteboardOperation(decoding: operation.payload))
                } catch {
                    operationFaults.append("operation \(operation.sequence) did not apply: \(error)")
                }
            } else if let decoded = try? ArenaOperation(decoding: operation.payload) {
                arenaOperations.append(decoded)
            }
        }
    }

    /// Applies (or loses) a delta; returns the tick to acknowledge, if any.
    mutating func receiveDelta(_ bytes: [UInt8], policy: (UInt64) -> DeltaFate) -> UInt64? {
        guard let delta = try? PositionDelta(decoding: bytes) else {
            deltaFaults.append("undecodable delta")
            return nil
        }
        let fate = policy(delta.tick)
        if case .lose = fate {
            deltasLost += 1
            return nil
        }
        if let baseline = delta.baselineTick, baseline + 1 < delta.tick { deltasAgainstOlderBaselines += 1 }
        if delta.baselineTick == nil { fullDeltas += 1 }
        if let baseline = delta.baselineTick { newestBaseline = max(newestBaseline, baseline) }
        do {
            guard let tick = try mirror.receive(bytes) else { return nil }
            deltasApplied += 1
            if case .applyWithoutAck = fate { return nil }
            return tick
        } catch {
            deltaFaults.append("delta for tick \(delta.tick) did not apply: \(error)")
            return nil
        }
    }
}
