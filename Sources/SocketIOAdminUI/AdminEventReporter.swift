import SocketIO
import EngineIO
import SocketIOCore
import SocketIOAdapter

/// Development mode: tells the dashboards (every socket of the admin
/// namespace, cluster-wide through its adapter) what happens to every
/// socket, as upstream's `registerVerboseListeners`. Runs on the socket's
/// loop; each report is one broadcast on the admin namespace.
final class AdminEventReporter: SocketIOObserver {
    let admin: SocketIONamespace

    init(admin: SocketIONamespace) {
        self.admin = admin
    }

    private func isAdmin(_ socket: SocketIOSocket) -> Bool { socket.namespace === admin }

    func socketJoined(_ socket: SocketIOSocket, rooms: [RoomName]) {
        let namespace = JSONValue.string(socket.namespace.name)
        for room in rooms {
            admin.emit("room_joined", namespace, .string(room), .string(socket.id), .string(AdminTimestamp.now()))
        }
    }

    func socketLeft(_ socket: SocketIOSocket, room: RoomName) {
        admin.emit("room_left", .string(socket.namespace.name), .string(room), .string(socket.id), .string(AdminTimestamp.now()))
    }

    func socketConnected(_ socket: SocketIOSocket) {
        let fromMiddleware = AdminSerialization.hasApplicationData(socket.data)
        socket.data = AdminSerialization.data(
            socket.data, withClientId: String(socket.engine.id.prefix(12)), transport: socket.transportName
        )
        if fromMiddleware { reportData(of: socket) }
        admin.emit(
            "socket_connected",
            AdminSerialization.socket(socket.snapshot(), namespace: socket.namespace.name),
            .string(AdminTimestamp.now())
        )
    }

    func socketDisconnected(_ socket: SocketIOSocket, reason: DisconnectReason, rooms: [RoomName]) {
        let namespace = JSONValue.string(socket.namespace.name)
        let now = JSONValue.string(AdminTimestamp.now())
        admin.emit("socket_disconnected", namespace, .string(socket.id), .string(reason.rawValue), now)
        for room in rooms {
            admin.emit("room_left", namespace, .string(room), .string(socket.id), now)
        }
    }

    func socketDataChanged(_ socket: SocketIOSocket) { reportData(of: socket) }

    private func reportData(of socket: SocketIOSocket) {
        admin.emit("socket_updated", .object([
            "id": .string(socket.id),
            "nsp": .string(socket.namespace.name),
            "data": AdminSerialization.data(socket.data),
        ]))
    }

    func socketTransportChanged(_ socket: SocketIOSocket) {
        let transport = socket.transportName
        socket.data = AdminSerialization.data(
            socket.data, withClientId: String(socket.engine.id.prefix(12)), transport: transport
        )
        admin.emit("socket_updated", .object([
            "id": .string(socket.id),
            "nsp": .string(socket.namespace.name),
            "transport": .string(transport),
        ]))
    }

    func eventReceived(_ socket: SocketIOSocket, event: SocketIOEvent) {
        guard !isAdmin(socket) else { return }
        admin.emit(
            "event_received",
            .string(socket.namespace.name), .string(socket.id),
            .array([.string(event.name)] + event.arguments), .string(AdminTimestamp.now())
        )
    }

    func eventSent(_ socket: SocketIOSocket, packet: SocketIOPacket) {
        guard !isAdmin(socket), let name = packet.eventName else { return }
        admin.emit(
            "event_sent",
            .string(socket.namespace.name), .string(socket.id),
            .array([.string(name)] + Array(packet.arguments)), .string(AdminTimestamp.now())
        )
    }
}
