import EngineIO
import NIOCore
import NIOPosix
import RoomEngine
import SocketIO
import SocketIOCore
import Synchronization
import WhiteboardRoom

/// A stand-in for a server with seats, written from the protocol text
/// (docs/room-protocol.md on wt-seats, "Seats: reconnecting without
/// leaving") until `huddle serve` has them: a whiteboard room of the
/// engine behind the real Socket.IO server, answering `join` with a seat,
/// `input` with the tick's operations, and `rejoin {seat, sequence}` with
/// the operations missed (or a snapshot, or `unknownSeat`, as the test
/// asks). No ticking of its own, no deltas: each input runs one tick.
///
/// The tests of the real thing are `DroppedConnectionTests`, which take the
/// seat path by themselves once the server gives seats.
final class SeatServer: Sendable {
    /// How `rejoin` is answered.
    enum RejoinAnswer: Sendable {
        case operations
        case snapshot
        case unknownSeat
    }

    let port: Int
    private let http: HTTPServer
    private let namespace: SocketIONamespace
    private let room = Mutex(SeatRoom())
    private let rejoinMode: Mutex<RejoinAnswer>

    var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, http: HTTPServer, namespace: SocketIONamespace, answer: RejoinAnswer) {
        self.port = port
        self.http = http
        self.namespace = namespace
        self.rejoinMode = Mutex(answer)
    }

    static func start(answering answer: RejoinAnswer = .operations) async throws -> SeatServer {
        let group = MultiThreadedEventLoopGroup.singleton
        let io = SocketIOServer(group: group)
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
        let server = SeatServer(port: http.localAddress?.port ?? 0, http: http, namespace: io.of("/rooms"), answer: answer)
        server.namespace.on("join") { [server] socket, event in server.join(socket, event) }
        server.namespace.on("rejoin") { [server] socket, event in server.rejoin(socket, event) }
        server.namespace.on("input") { [server] socket, event in server.input(socket, event) }
        return server
    }

    /// Sends a tick's operations to every socket in the room.
    private func broadcast(_ batch: [UInt8]) {
        namespace.to(SeatRoom.name).emit("ops", .binary(ByteBuffer(bytes: batch)))
    }

    /// Answers `rejoin` this way from now on.
    func answerRejoins(with answer: RejoinAnswer) {
        rejoinMode.withLock { $0 = answer }
    }

    /// Runs one tick of inputs from `member` (a member who is away, say).
    func act(as member: MemberID, _ input: WhiteboardInput) throws {
        let batch = try room.withLock { room in try room.input(input.encodedBytes(), from: member).batch }
        if let batch { broadcast(batch) }
    }

    func stop() async {
        try? await http.shutdown()
    }

    // MARK: Requests (on the socket's loop)

    private func join(_ socket: SocketIOSocket, _ event: SocketIOEvent) {
        let member = MemberID(socket.id)
        let (snapshot, batch, seat) = room.withLock { $0.join(member, socket: socket.id) }
        if let batch { broadcast(batch) }
        socket.join(SeatRoom.name)
        event.ack?.send([answer(member: member, seat: seat, extra: ["snapshot": .binary(ByteBuffer(bytes: snapshot))])])
    }

    private func rejoin(_ socket: SocketIOSocket, _ event: SocketIOEvent) {
        let mode = rejoinMode.withLock { $0 }
        let seat = event.arguments.first?["seat"]?.stringValue ?? ""
        let sequence = event.arguments.first?["sequence"]?.int64Value.map { UInt64($0) }
        guard mode != .unknownSeat, let found = room.withLock({ $0.rejoin(seat: seat, socket: socket.id, after: sequence) }) else {
            event.ack?.send([.object(["error": .object(["code": "unknownSeat", "message": "no such seat"])])])
            return
        }
        socket.join(SeatRoom.name)
        var extra: JSONObject = ["tick": .int(Int64(found.tick))]
        if mode == .snapshot || sequence == nil {
            extra["snapshot"] = .binary(ByteBuffer(bytes: found.snapshot))
        } else {
            extra["operations"] = .binary(ByteBuffer(bytes: found.missed))
        }
        event.ack?.send([answer(member: found.member, seat: seat, extra: extra)])
    }

    private func input(_ socket: SocketIOSocket, _ event: SocketIOEvent) {
        guard case .binary(let bytes)? = event.arguments.first else { return }
        do {
            let (receipt, tick, batch) = try room.withLock { room in
                try room.input(Array(bytes.readableBytesView), fromSocket: socket.id)
            }
            if let batch { broadcast(batch) }
            event.ack?.send([.object(["receipt": .int(Int64(receipt)), "tick": .int(Int64(tick))])])
        } catch {
            event.ack?.send([.object(["error": .object(["code": "malformed", "message": .string("\(error)")])])])
        }
    }

    private func answer(member: MemberID, seat: String, extra: JSONObject) -> JSONValue {
        var object: JSONObject = [
            "room": .string(SeatRoom.name), "kind": "whiteboard", "member": .string(member.rawValue),
            "tickRate": 20, "seat": .string(seat), "grace": 10000,
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}

/// The stand-in's room: the engine's whiteboard, its operation batches,
/// its seats and which socket speaks for which member.
struct SeatRoom {
    static let name = "whiteboard-1"

    private var room = Room(id: RoomID(name), logic: WhiteboardLogic(), seed: 3)
    private var batches: [(last: UInt64, bytes: [UInt8])] = []
    private var seats: [String: MemberID] = [:]
    private var members: [String: MemberID] = [:]

    mutating func join(_ member: MemberID, socket: String) -> (snapshot: [UInt8], batch: [UInt8]?, seat: String) {
        try? room.join(member)
        let batch = tick()
        let seat = "seat-\(seats.count + 1)-\(UInt64.random(in: 1...UInt64.max))"
        seats[seat] = member
        members[socket] = member
        return (room.snapshot().encodedBytes(), batch, seat)
    }

    struct Found {
        var member: MemberID
        var missed: [UInt8]
        var snapshot: [UInt8]
        var tick: UInt64
    }

    mutating func rejoin(seat: String, socket: String, after sequence: UInt64?) -> Found? {
        guard let member = seats[seat] else { return nil }
        members[socket] = member
        // The batches from the one holding `sequence` on (its first operations may repeat).
        let missed = batches.filter { $0.last > (sequence ?? 0) }.flatMap(\.bytes)
        return Found(member: member, missed: missed, snapshot: room.snapshot().encodedBytes(), tick: room.tick)
    }

    mutating func input(_ bytes: [UInt8], fromSocket socket: String) throws -> (UInt64, UInt64, [UInt8]?) {
        guard let member = members[socket] else { throw RoomError.notAMember(MemberID(socket)) }
        let (receipt, batch) = try input(bytes, from: member)
        return (receipt, room.tick, batch)
    }

    mutating func input(_ bytes: [UInt8], from member: MemberID) throws -> (receipt: UInt64, batch: [UInt8]?) {
        let receipt = try room.enqueue(bytes, from: member)
        return (receipt, tick())
    }

    /// Runs one tick; returns its operations' `ops` attachment, if any.
    private mutating func tick() -> [UInt8]? {
        let operations = room.advance().output.operations
        guard let last = operations.last else { return nil }
        var writer = BinaryWriter()
        for operation in operations { operation.encode(into: &writer) }
        batches.append((last.sequence, writer.bytes))
        return writer.bytes
    }
}
