/// The one error type of the room client: every `throws` of `RoomClient`
/// and ``RemoteRoom`` throws it, and the updates of a room carry it.
///
/// ``code`` is the protocol's error code when the server refused something
/// (`roomFull`, `unknownElement`, ... — the table of `docs/room-protocol.md`),
/// or one of the client's own codes (``Code/connectionFailed``,
/// ``Code/connectionLost``, ``Code/timeout``, ``Code/protocolViolation``,
/// ``Code/kindMismatch``, ``Code/updatesOverflow``). Codes are open: a code
/// a newer server sends arrives as it is, so `default:` your switches.
///
/// ```swift
/// do {
///     try await room.send(.endStroke(id: 7))
/// } catch let error as RoomClientError {
///     switch error.code {
///     case .unknownElement: print("stroke 7 was never begun")
///     case .connectionLost: print("disconnected; the room rejoins by itself")
///     default: print(error)
///     }
/// }
/// ```
///
/// Functions are declared `throws`, not `throws(RoomClientError)`, as in
/// `SocketIOClient`: one `catch let error as RoomClientError` then works
/// the same inside closures and task groups.
public struct RoomClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong: a protocol error code, or one of the client's.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as the server spells it (`"roomFull"`).
        public let rawValue: String

        /// A code from its spelling; unknown spellings are kept as they are.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The spelling.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for people (the server's, for a refusal).
    public var message: String
    /// For a refused input: the receipt number the room gave it.
    public var receipt: UInt64?
    /// For a `room-error` event: the event it answers (`"input"`, `"delta-ack"`, ...).
    public var event: String?

    /// An error with every field given.
    public init(code: Code, message: String, receipt: UInt64? = nil, event: String? = nil) {
        self.code = code
        self.message = message
        self.receipt = receipt
        self.event = event
    }

    /// `code: message`, with the receipt or event when there is one.
    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let receipt { text += " (receipt \(receipt))" }
        if let event { text += " (event \(event))" }
        return text
    }
}

extension RoomClientError.Code {
    // MARK: The client's own codes

    /// The client could not connect to the server (refused, unreachable,
    /// TLS); the message is the Socket.IO client's.
    public static let connectionFailed = Self(rawValue: "connectionFailed")
    /// The connection was lost (or closed) before the answer came; a lost
    /// connection is reconnected and the room rejoined by itself.
    public static let connectionLost = Self(rawValue: "connectionLost")
    /// No answer within ``RoomClientConfiguration/requestTimeout``.
    public static let timeout = Self(rawValue: "timeout")
    /// The server sent something this client cannot read (an undecodable
    /// snapshot, operation or delta, a gap in the operation sequence).
    public static let protocolViolation = Self(rawValue: "protocolViolation")
    /// The room is of another kind or logic version than the logic the
    /// client joined with.
    public static let kindMismatch = Self(rawValue: "kindMismatch")
    /// Another socket took this member's seat (`room-closed` with reason
    /// `seatMoved`): the room goes on there, not here.
    public static let seatMoved = Self(rawValue: "seatMoved")
    /// The consumer of ``RemoteRoom/updates`` fell more than
    /// ``RoomClientConfiguration/updateBufferLimit`` updates behind.
    public static let updatesOverflow = Self(rawValue: "updatesOverflow")

    // MARK: The protocol's codes (docs/room-protocol.md, Errors)

    /// Arguments missing or of the wrong type.
    public static let badRequest = Self(rawValue: "badRequest")
    /// The server runs no room of this kind.
    public static let unknownRoomKind = Self(rawValue: "unknownRoomKind")
    /// The request needs a room and the client is in none.
    public static let notInRoom = Self(rawValue: "notInRoom")
    /// `join` while in a room.
    public static let alreadyInRoom = Self(rawValue: "alreadyInRoom")
    /// `join` or `leave` while the previous one is unanswered.
    public static let joinInProgress = Self(rawValue: "joinInProgress")
    /// The room is at capacity.
    public static let roomFull = Self(rawValue: "roomFull")
    /// The room's logic refused the member.
    public static let joinRefused = Self(rawValue: "joinRefused")
    /// The input exceeds the kind's byte limit.
    public static let inputTooLarge = Self(rawValue: "inputTooLarge")
    /// The input does not decode.
    public static let malformed = Self(rawValue: "malformed")
    /// The input ended early.
    public static let truncated = Self(rawValue: "truncated")
    /// A value of the input is out of range.
    public static let outOfRange = Self(rawValue: "outOfRange")
    /// A document limit was reached.
    public static let limitReached = Self(rawValue: "limitReached")
    /// The input names an element that does not exist.
    public static let unknownElement = Self(rawValue: "unknownElement")
    /// The input creates an element whose id is taken.
    public static let duplicateElement = Self(rawValue: "duplicateElement")
    /// Too many reliable inputs of this member for one tick.
    public static let memberInputQueueFull = Self(rawValue: "memberInputQueueFull")
    /// Too many reliable inputs in the room for one tick.
    public static let roomInputQueueFull = Self(rawValue: "roomInputQueueFull")
    /// An acknowledgement named a tick this socket was never sent.
    public static let acknowledgementFromTheFuture = Self(rawValue: "acknowledgementFromTheFuture")
    /// More events than the socket's rate allows.
    public static let rateLimited = Self(rawValue: "rateLimited")
    /// The server's join/list queue is full.
    public static let serverBusy = Self(rawValue: "serverBusy")
    /// The server is stopping.
    public static let shuttingDown = Self(rawValue: "shuttingDown")
    /// The client left too many `ops` unacknowledged and was disconnected.
    public static let tooSlow = Self(rawValue: "tooSlow")
    /// The room stopped.
    public static let roomClosed = Self(rawValue: "roomClosed")
    /// The member left before its input's tick.
    public static let notAMember = Self(rawValue: "notAMember")
    /// `rejoin` with a seat that is not held (the client then joins afresh).
    public static let unknownSeat = Self(rawValue: "unknownSeat")
    /// `join`: the room chosen for the member stopped before the answer
    /// (joining again works); `leave`: the room is gone.
    public static let unknownRoom = Self(rawValue: "unknownRoom")
    /// `join` with a member id already in a room of that kind (for example
    /// the member of a seat another connection took back with `rejoin`).
    public static let alreadyAMember = Self(rawValue: "alreadyAMember")
    /// The input breaks the kind's rules in the room's current state (not
    /// your turn, the game is over); the message says why.
    public static let notAllowed = Self(rawValue: "notAllowed")
}

extension RoomClientError.Code {
    /// The codes of the protocol's error table (`docs/room-protocol.md`),
    /// each named above; a test checks the table and this list agree.
    static let protocolCodes: [Self] = [
        .badRequest, .unknownRoomKind, .notInRoom, .alreadyInRoom, .joinInProgress, .roomFull, .joinRefused,
        .inputTooLarge, .malformed, .truncated, .outOfRange, .limitReached, .unknownElement, .duplicateElement,
        .memberInputQueueFull, .roomInputQueueFull, .acknowledgementFromTheFuture, .rateLimited, .serverBusy,
        .shuttingDown, .tooSlow, .roomClosed, .notAMember, .unknownSeat, .unknownRoom, .alreadyAMember, .notAllowed,
    ]
}
