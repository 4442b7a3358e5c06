import NIOCore
import RoomEngine

/// A room owned by another node, as the sessions of this node see it: every
/// request goes to the owner through the relay (``RoomRelay``), and the
/// owner's answers come back as deliveries. The owner's fan-out alone calls
/// the on-loop methods of ``RoomEndpoint``; here they refuse.
final class RemoteRoom: RoomEndpoint {
    let info: RemoteRoomInfo
    private let relay: RoomRelay

    init(info: RemoteRoomInfo, relay: RoomRelay) {
        self.info = info
        self.relay = relay
    }

    var id: RoomID { info.id }
    var kind: RoomKind { info.kind }
    var tickRate: Int { info.tickRate }
    var maxInputBytes: Int { info.maxInputBytes }
    var hasMemberViews: Bool { info.hasMemberViews }

    // MARK: RoomHandle (the directory's calls; a remote room is in no local directory)

    func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError) {
        throw .unknownRoom(id)
    }

    func leave(_ member: MemberID) async throws(RoomError) {
        throw .unknownRoom(id)
    }

    func close() async {}

    // MARK: Sessions' requests

    func attach(_ member: MemberID, endpoint: MemberEndpoint) {
        relay.requestJoin(room: id, owner: info.owner, member: member, endpoint: endpoint)
    }

    func enqueue(_ bytes: [UInt8], from member: MemberID, token: UInt32?, acknowledging tick: UInt64?) {
        relay.send(.input(room: id, member: member, bytes: bytes, token: token, acknowledging: tick), to: info.owner)
    }

    func acknowledge(tick: UInt64, by member: MemberID) {
        relay.send(.acknowledge(room: id, member: member, tick: tick), to: info.owner)
    }

    func away(_ member: MemberID, socket: String) {
        relay.forget(socket: socket)
        relay.send(.away(room: id, member: member, socket: socket), to: info.owner)
    }

    func rejoin(seat: SeatToken, after sequence: UInt64?, endpoint: MemberEndpoint) {
        relay.requestRejoin(room: id, owner: info.owner, secret: seat.secret, sequence: sequence, endpoint: endpoint)
    }

    // MARK: The owner's fan-out only

    func memberAwayOnLoop(_ member: MemberID) throws(RoomError) {
        throw .unknownRoom(id)
    }

    func memberReturnedOnLoop(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot? {
        throw .unknownRoom(id)
    }
}
