public import RoomEngine
public import SocketIOCore

/// An error as a client sees it: a stable machine-readable `code` and a
/// human-readable `message`, sent as `{error: {code, message}, receipt?}`
/// in an ack, or as the `room-error` event when no ack can carry it.
///
/// Codes are the ``RoomError`` case names (`malformed`, `inputTooLarge`,
/// `unknownElement`, …) plus the binding's own (`badRequest`, `notInRoom`,
/// `alreadyInRoom`, `joinInProgress`, `unknownSeat`, `rateLimited`,
/// `serverBusy`, `shuttingDown`, `tooSlow`). The list is in `docs/room-protocol.md`.
///
/// ```swift
/// ack.send([RoomWireError(.inputTooLarge(size: 2000, limit: 1100)).json(receipt: nil)])
/// // {"error":{"code":"inputTooLarge","message":"input of 2000 bytes exceeds the limit of 1100"}}
/// ```
public struct RoomWireError: Error, Equatable, Sendable {
    /// The stable code clients switch on.
    public var code: String
    /// A sentence for people.
    public var message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The arguments of a request were missing or of the wrong type.
    public static func badRequest(_ message: String) -> RoomWireError { .init(code: "badRequest", message: message) }
    /// The request needs a room and the client is in none.
    public static let notInRoom = RoomWireError(code: "notInRoom", message: "join a room first")
    /// `join` while already in a room (leave first).
    public static let alreadyInRoom = RoomWireError(code: "alreadyInRoom", message: "already in a room; leave it first")
    /// `join` or `leave` while another join or leave is being answered.
    public static let joinInProgress = RoomWireError(code: "joinInProgress", message: "a join or leave is already in progress")
    /// The client sent more events than its rate allows.
    public static let rateLimited = RoomWireError(code: "rateLimited", message: "too many events; slow down")
    /// The server's request queue is full; try again later.
    public static let serverBusy = RoomWireError(code: "serverBusy", message: "the server is busy; try again")
    /// The server is stopping.
    public static let shuttingDown = RoomWireError(code: "shuttingDown", message: "the server is shutting down")
    /// `rejoin` with a seat that is not held: never issued, freed by a leave,
    /// past its grace period, or its room stopped (on purpose, one answer for all).
    public static let unknownSeat = RoomWireError(
        code: "unknownSeat", message: "no seat is held for this token; join again"
    )
    /// The client did not acknowledge operations in time and is disconnected.
    public static let tooSlow = RoomWireError(code: "tooSlow", message: "operations were not acknowledged in time")

    /// The wire form of a ``RoomError``.
    public init(_ error: RoomError) {
        switch error {
        case .truncated: self.init(code: "truncated", message: "the bytes ended before a complete value")
        case .malformed(let why): self.init(code: "malformed", message: why)
        case .inputTooLarge(let size, let limit):
            self.init(code: "inputTooLarge", message: "input of \(size) bytes exceeds the limit of \(limit)")
        case .roomInputQueueFull(let limit):
            self.init(code: "roomInputQueueFull", message: "the room already holds \(limit) operations for the next tick")
        case .memberInputQueueFull(let limit):
            self.init(code: "memberInputQueueFull", message: "you already have \(limit) operations waiting for the next tick")
        case .unknownRoomKind(let kind): self.init(code: "unknownRoomKind", message: "no room kind named \"\(kind)\"")
        case .unknownRoom(let id): self.init(code: "unknownRoom", message: "no room \(id)")
        case .notAMember(let member): self.init(code: "notAMember", message: "\(member) is not in the room")
        case .alreadyAMember(let member): self.init(code: "alreadyAMember", message: "\(member) is already in a room of this kind")
        case .roomFull(let capacity): self.init(code: "roomFull", message: "the room holds \(capacity) members")
        case .joinRefused(let reason): self.init(code: "joinRefused", message: reason)
        case .roomClosed: self.init(code: "roomClosed", message: "the room is closed")
        case .missingBaseline(let tick): self.init(code: "missingBaseline", message: "no table held for tick \(tick)")
        case .acknowledgementFromTheFuture(let acked, let current):
            self.init(code: "acknowledgementFromTheFuture", message: "tick \(acked) acknowledged at tick \(current)")
        case .outOfRange(let what): self.init(code: "outOfRange", message: what)
        case .limitReached(let what): self.init(code: "limitReached", message: what)
        case .unknownElement(let what): self.init(code: "unknownElement", message: "unknown \(what)")
        case .duplicateElement(let what): self.init(code: "duplicateElement", message: "\(what) already exists")
        case .notAllowed(let why): self.init(code: "notAllowed", message: why)
        case .unsupportedLogicVersion(let kind, let version):
            self.init(code: "unsupportedLogicVersion", message: "\(kind) version \(version) is not supported")
        case .kindMismatch(let expected, let found):
            self.init(code: "kindMismatch", message: "expected \(expected), found \(found)")
        case .replayDiverged(let tick, _, _): self.init(code: "replayDiverged", message: "replay diverged at tick \(tick)")
        }
    }

    /// `{error: {code, message}}`, with `receipt` when the input got one.
    public func json(receipt: UInt64? = nil) -> JSONValue {
        var object: JSONObject = ["error": .object(["code": .string(code), "message": .string(message)])]
        if let receipt { object["receipt"] = .int(Int64(clamping: receipt)) }
        return .object(object)
    }

    /// The `room-error` event's payload: `{code, message, event, receipt?}`.
    public func event(for event: String, receipt: UInt64? = nil) -> JSONValue {
        var object: JSONObject = ["code": .string(code), "message": .string(message), "event": .string(event)]
        if let receipt { object["receipt"] = .int(Int64(clamping: receipt)) }
        return .object(object)
    }
}
