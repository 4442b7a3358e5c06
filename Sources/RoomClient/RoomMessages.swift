import NIOCore
import RoomEngine
import SocketIOCore

/// The join answer `{room, kind, member, tickRate, seat?, grace?, snapshot: <binary>}`
/// (`seat` and `grace` from a server with seats), or with `snapshotStream:
/// {length, chunks}` instead of `snapshot` when the snapshot follows in
/// `snapshot-chunk` events.
struct JoinAnswer: Sendable, Equatable {
    var room: RoomID
    var kind: RoomKind
    var member: MemberID
    var tickRate: Int
    var snapshot: [UInt8]
    var seat: RoomSeat?
    /// The announced length of a snapshot that follows in chunks (then
    /// ``snapshot`` is empty until they arrived); nil when it came whole.
    var streamedLength: Int?

    init(room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, snapshot: [UInt8], seat: RoomSeat? = nil) {
        self.room = room
        self.kind = kind
        self.member = member
        self.tickRate = tickRate
        self.snapshot = snapshot
        self.seat = seat
    }

    /// Reads a join answer, or the error it carries instead.
    static func parse(_ arguments: [JSONValue]) -> Result<JoinAnswer, RoomClientError> {
        let answer = arguments.first ?? .null
        if let error = RoomClientError(answer: answer) { return .failure(error) }
        guard let room = answer["room"]?.stringValue,
              let kind = answer["kind"]?.stringValue,
              let member = answer["member"]?.stringValue,
              let snapshot = Snapshot(in: answer)
        else {
            return .failure(.violation("a join answer without room, kind, member or a snapshot (binary or snapshotStream): \(answer)"))
        }
        let tickRate = answer["tickRate"]?.int64Value.map { Int(clamping: $0) } ?? 0
        var joined = JoinAnswer(
            room: RoomID(room), kind: RoomKind(kind), member: MemberID(member),
            tickRate: tickRate, snapshot: [], seat: RoomSeat(answer: answer)
        )
        snapshot.fill(&joined)
        return .success(joined)
    }

    /// The snapshot of an answer: its bytes, or the announcement of a stream.
    enum Snapshot {
        case bytes([UInt8])
        case streamed(length: Int)

        /// `snapshot: <binary>` or `snapshotStream: {length, chunks}`; nil
        /// when the answer has neither (or both).
        init?(in answer: JSONValue) {
            switch (answer["snapshot"], answer["snapshotStream"]) {
            case (.binary(let bytes)?, nil):
                self = .bytes(Array(bytes.readableBytesView))
            case (nil, let stream?):
                guard let length = stream["length"]?.int64Value else { return nil }
                self = .streamed(length: Int(length))
            default:
                return nil
            }
        }

        func fill(_ answer: inout JoinAnswer) {
            switch self {
            case .bytes(let bytes): answer.snapshot = bytes
            case .streamed(let length): answer.streamedLength = Int(length)
            }
        }
    }

    /// Hands `parsed` to `completion`, once its snapshot is complete when
    /// it comes in chunks (``SnapshotReceiver``).
    static func completing(
        _ parsed: Result<JoinAnswer, RoomClientError>,
        from snapshots: SnapshotReceiver,
        _ completion: @escaping @Sendable (Result<JoinAnswer, RoomClientError>) -> Void
    ) {
        guard case .success(let answer) = parsed, let length = answer.streamedLength else { return completion(parsed) }
        snapshots.expect(length: length) { bytes in
            completion(bytes.map { bytes in
                var complete = answer
                complete.snapshot = bytes
                complete.streamedLength = nil
                return complete
            })
        }
    }
}

/// The `rejoin` answer: a join answer's fields, the room's `tick`, and
/// either the operations missed (`operations`, the `ops` layout) or a
/// `snapshot` that replaces the document.
struct RejoinAnswer: Sendable, Equatable {
    enum Catch: Sendable, Equatable {
        /// The operations after the client's sequence (the first may repeat some).
        case operations([UInt8])
        /// A snapshot: the document is replaced, as at a join.
        case snapshot(JoinAnswer)
    }

    var room: RoomID
    var kind: RoomKind
    var member: MemberID
    var tickRate: Int
    var seat: RoomSeat?
    var tick: UInt64
    var caughtUp: Catch

    /// Reads a rejoin answer, or the error it carries instead.
    static func parse(_ arguments: [JSONValue]) -> Result<RejoinAnswer, RoomClientError> {
        let answer = arguments.first ?? .null
        if let error = RoomClientError(answer: answer) { return .failure(error) }
        guard let room = answer["room"]?.stringValue,
              let kind = answer["kind"]?.stringValue,
              let member = answer["member"]?.stringValue,
              let tick = answer["tick"]?.int64Value, tick >= 0
        else {
            return .failure(.violation("a rejoin answer without room, kind, member or tick: \(answer)"))
        }
        let tickRate = answer["tickRate"]?.int64Value.map { Int(clamping: $0) } ?? 0
        let seat = RoomSeat(answer: answer)
        let caughtUp: Catch
        switch (answer["operations"], JoinAnswer.Snapshot(in: answer)) {
        case (.binary(let operations)?, nil) where answer["snapshot"] == nil && answer["snapshotStream"] == nil:
            caughtUp = .operations(Array(operations.readableBytesView))
        case (nil, let snapshot?):
            var joined = JoinAnswer(
                room: RoomID(room), kind: RoomKind(kind), member: MemberID(member), tickRate: tickRate, snapshot: [], seat: seat
            )
            snapshot.fill(&joined)
            caughtUp = .snapshot(joined)
        default:
            return .failure(.violation("a rejoin answer needs exactly one of operations and snapshot (binary or snapshotStream): \(answer)"))
        }
        return .success(RejoinAnswer(
            room: RoomID(room), kind: RoomKind(kind), member: MemberID(member), tickRate: tickRate,
            seat: seat, tick: UInt64(tick), caughtUp: caughtUp
        ))
    }
}

extension RejoinAnswer {
    /// Hands `parsed` to `completion`, once its snapshot is complete when
    /// it comes in chunks (``SnapshotReceiver``).
    static func completing(
        _ parsed: Result<RejoinAnswer, RoomClientError>,
        from snapshots: SnapshotReceiver,
        _ completion: @escaping @Sendable (Result<RejoinAnswer, RoomClientError>) -> Void
    ) {
        guard case .success(let answer) = parsed, case .snapshot(let join) = answer.caughtUp, join.streamedLength != nil else {
            return completion(parsed)
        }
        JoinAnswer.completing(.success(join), from: snapshots) { joined in
            completion(joined.map { joined in
                var complete = answer
                complete.caughtUp = .snapshot(joined)
                return complete
            })
        }
    }
}

extension RoomSeat {
    /// The `seat` and `grace` of a join or rejoin answer; nil from a server without seats.
    init?(answer: JSONValue) {
        guard let token = answer["seat"]?.stringValue, !token.isEmpty, token.utf8.count <= 128 else { return nil }
        let grace = answer["grace"]?.int64Value.map { Duration.milliseconds(max(0, $0)) } ?? .zero
        self.init(token: token, grace: grace)
    }
}

/// What an acknowledged input's answer says: the room's receipt number for
/// it and the tick that applied it (`{receipt, tick}` on the wire).
///
/// ```swift
/// let receipt = try await room.send(.beginStroke(id: 1, color: 0x3366FF, width: 3))
/// print("applied by tick", receipt.tick)
/// ```
public struct InputReceipt: Sendable, Hashable {
    /// The room-wide arrival number of the input.
    public var receipt: UInt64
    /// The tick that applied it (for a volatile input: that took it; a
    /// newer one from the same member may have replaced it).
    public var tick: UInt64

    /// A receipt with both fields given.
    public init(receipt: UInt64, tick: UInt64) {
        self.receipt = receipt
        self.tick = tick
    }

    /// Reads an input answer, or the error it carries instead.
    static func parse(_ arguments: [JSONValue]) -> Result<InputReceipt, RoomClientError> {
        let answer = arguments.first ?? .null
        if let error = RoomClientError(answer: answer) { return .failure(error) }
        guard let receipt = answer["receipt"]?.int64Value, receipt >= 0,
              let tick = answer["tick"]?.int64Value, tick >= 0
        else {
            return .failure(.violation("an input answer without receipt and tick: \(answer)"))
        }
        return .success(InputReceipt(receipt: UInt64(receipt), tick: UInt64(tick)))
    }
}

extension RoomListing {
    /// Reads the `list` answer `{rooms: [{id, kind, members, capacity}]}`.
    static func parse(_ arguments: [JSONValue]) -> Result<[RoomListing], RoomClientError> {
        let answer = arguments.first ?? .null
        if let error = RoomClientError(answer: answer) { return .failure(error) }
        guard case .array(let rooms)? = answer["rooms"] else {
            return .failure(.violation("a list answer without rooms: \(answer)"))
        }
        var listings: [RoomListing] = []
        for room in rooms {
            guard let id = room["id"]?.stringValue, let kind = room["kind"]?.stringValue,
                  let members = room["members"]?.int64Value, let capacity = room["capacity"]?.int64Value
            else { return .failure(.violation("a listed room without id, kind, members or capacity: \(room)")) }
            listings.append(RoomListing(
                id: RoomID(id), kind: RoomKind(kind), members: Int(clamping: members), capacity: Int(clamping: capacity)
            ))
        }
        return .success(listings)
    }
}

extension RoomClientError {
    /// The error of an answer `{error: {code, message}, receipt?}`; nil
    /// when the answer is not an error.
    init?(answer: JSONValue) {
        guard let error = answer["error"], !error.isNull else { return nil }
        self.init(
            code: Code(rawValue: error["code"]?.stringValue ?? "unknown"),
            message: error["message"]?.stringValue ?? "\(error)",
            receipt: answer["receipt"]?.int64Value.flatMap { $0 >= 0 ? UInt64($0) : nil }
        )
    }

    /// The error of a `room-error` event `{code, message, event, receipt?}`.
    init(event payload: JSONValue) {
        self.init(
            code: Code(rawValue: payload["code"]?.stringValue ?? "unknown"),
            message: payload["message"]?.stringValue ?? "\(payload)",
            receipt: payload["receipt"]?.int64Value.flatMap { $0 >= 0 ? UInt64($0) : nil },
            event: payload["event"]?.stringValue
        )
    }

    /// The room-client form of a Socket.IO client failure: an awaited
    /// answer that will not come (`connectionLost`, `timeout`), or a
    /// connection that could not be made (`connectionFailed`).
    init(_ error: SocketIOClientError, whileConnecting: Bool = false) {
        switch error.code {
        case .ackTimeout: self.init(code: .timeout, message: "no answer in time")
        case .connectTimeout where !whileConnecting: self.init(code: .timeout, message: error.message)
        case _ where whileConnecting: self.init(code: .connectionFailed, message: error.description)
        default: self.init(code: .connectionLost, message: error.description)
        }
    }

    /// Anything thrown by the Socket.IO client or the engine, as a room-client error.
    init(_ error: any Error, whileConnecting: Bool = false) {
        switch error {
        case let error as RoomClientError: self = error
        case let error as SocketIOClientError: self.init(error, whileConnecting: whileConnecting)
        case let error as RoomError: self.init(code: .protocolViolation, message: "\(error)")
        default: self.init(code: whileConnecting ? .connectionFailed : .connectionLost, message: "\(error)")
        }
    }

    /// The server sent something this client cannot read.
    static func violation(_ message: String) -> RoomClientError {
        RoomClientError(code: .protocolViolation, message: message)
    }
}
