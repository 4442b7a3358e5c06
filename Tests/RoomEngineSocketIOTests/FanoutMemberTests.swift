import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import Synchronization
import Testing

/// A room endpoint that only exists to be held (or not) by a fan-out.
final class HeldRoom: RoomEndpoint {
    let id: RoomID = "held-1"
    let kind: RoomKind = "held"
    let tickRate = 20
    let maxInputBytes = 16
    let hasMemberViews = false
    func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError) {}
    func leave(_ member: MemberID) async throws(RoomError) {}
    func close() async {}
    func attach(_ member: MemberID, endpoint: MemberEndpoint) {}
    func enqueue(_ bytes: [UInt8], from member: MemberID, token: UInt32?, acknowledging tick: UInt64?) {}
    func acknowledge(tick: UInt64, by member: MemberID) {}
    func currentSnapshot() async -> RoomSnapshot {
        RoomSnapshot(kind: kind, logicVersion: 1, roomID: id, tick: 0, operationSequence: 0, members: [], state: [])
    }
    func away(_ member: MemberID, socket: String) {}
    func rejoin(seat: SeatToken, after sequence: UInt64?, endpoint: MemberEndpoint) {}
    func memberAwayOnLoop(_ member: MemberID) throws(RoomError) {}
    func memberReturnedOnLoop(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot? { nil }
}

/// The fan-out keeps each member in one ``FanoutMember`` and never keeps
/// its room alive: a room is held only between a member's attachment and
/// its snapshot, whichever comes first.
@Suite("Fan-out members")
struct FanoutMemberTests {
    /// A real session's endpoint (a client connected to the rooms namespace).
    private func endpoint(_ server: TestServer) async throws -> MemberEndpoint {
        let captured = Mutex<MemberEndpoint?>(nil)
        server.rooms.namespace.onConnection { socket in
            if let session = socket.attachment as? MemberSession { captured.withLock { $0 = session.endpoint } }
        }
        _ = try await server.client()
        for _ in 0..<200 {
            if let endpoint = captured.withLock({ $0 }) { return endpoint }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RoomError.roomClosed
    }

    private func tick(_ tick: UInt64, snapshotFor members: [MemberID], operations: Int = 0) -> RoomTickOutput {
        let picture = RoomSnapshot(kind: "held", logicVersion: 1, roomID: "held-1", tick: tick, operationSequence: 0,
                                   members: members, state: [])
        return RoomTickOutput(
            roomID: "held-1", tick: tick,
            operations: (0..<operations).map { SequencedOperation(sequence: UInt64($0 + 1), tick: tick, payload: [0x01]) },
            snapshots: members.map { RecipientSnapshot(recipient: $0, snapshot: picture) }
        )
    }

    @Test("a member whose snapshot came before its session: parked, then joined, and the room is not held")
    func parkedThenAttached() async throws {
        try await TestServer.with { server in
            let endpoint = try await endpoint(server)
            let loop = server.group.next()
            let (state, held) = try await loop.submit { () -> (NIOLoopBound<FanoutState>, Weak<HeldRoom>) in
                let state = FanoutState(room: "held-1", seats: SeatPolicy(), eventLoop: loop, stats: .makeBoxSendingValue(RoomServiceStats(), eventLoop: loop),
                                        logger: .init(label: "test"))
                state.admitted("m1")
                state.deliver(tick(1, snapshotFor: ["m1"]))
                state.deliver(tick(2, snapshotFor: [], operations: 2))
                let room = HeldRoom()
                state.attach("m1", endpoint: endpoint, room: room)
                return (NIOLoopBound(state, eventLoop: loop), Weak(room))
            }.get()
            // The join answer (which names the room) has reached the session; nothing else holds it.
            try await #require(endpoint.loop).submit {}.get()
            try await Task.sleep(for: .milliseconds(50))
            #expect(held.value == nil)
            try await loop.submit { withExtendedLifetime(state.value) {} }.get()
        }
    }

    @Test("a member attached before its snapshot holds the room only until the snapshot goes out")
    func attachedThenSnapshot() async throws {
        try await TestServer.with { server in
            let endpoint = try await endpoint(server)
            let loop = server.group.next()
            let (state, held) = try await loop.submit { () -> (NIOLoopBound<FanoutState>, Weak<HeldRoom>) in
                let state = FanoutState(room: "held-1", seats: SeatPolicy(), eventLoop: loop, stats: .makeBoxSendingValue(RoomServiceStats(), eventLoop: loop),
                                        logger: .init(label: "test"))
                let room = HeldRoom()
                state.admitted("m1")
                state.attach("m1", endpoint: endpoint, room: room)
                return (NIOLoopBound(state, eventLoop: loop), Weak(room))
            }.get()
            // Held while the answer waits for the snapshot (the fan-out names the room in it).
            #expect(held.value != nil)
            try await loop.submit { state.value.deliver(tick(1, snapshotFor: ["m1"])) }.get()
            try await #require(endpoint.loop).submit {}.get()
            try await Task.sleep(for: .milliseconds(50))
            #expect(held.value == nil)
            try await loop.submit { withExtendedLifetime(state.value) {} }.get()
        }
    }
}

/// A weak reference that can cross threads (the test reads it after the loop let go).
final class Weak<Object: AnyObject>: @unchecked Sendable {
    weak var value: Object?
    init(_ value: Object) { self.value = value }
}
