import SocketIO
import SocketIOCore

/// What a dashboard may ask (unless readonly): upstream's
/// `registerFeatureHandlers`. Each goes through the target namespace's
/// broadcast operator, so through its adapter: cluster-wide.
///
/// | event | arguments | action |
/// | --- | --- | --- |
/// | `emit` | nsp, filter, event, args... | `of(nsp).in(filter).emit(event, args...)` |
/// | `join` | nsp, room, filter? | `of(nsp).in(filter).socketsJoin(room)` |
/// | `leave` | nsp, room, filter? | `of(nsp).in(filter).socketsLeave(room)` |
/// | `_disconnect` | nsp, close, filter? | `of(nsp).in(filter).disconnectSockets(close)` |
///
/// A missing or empty filter means every socket of the namespace.
/// Malformed commands (a namespace or room that is not a string) are ignored.
enum AdminCommands {
    static func register(on socket: SocketIOSocket, server: SocketIOServer) {
        socket.on("emit") { event in
            let arguments = event.arguments
            guard let namespace = arguments.first?.stringValue, arguments.count >= 3,
                  let name = arguments[2].stringValue else { return }
            target(server, namespace, filter: arguments[1]).emit(name, arguments: Array(arguments.dropFirst(3)))
        }
        socket.on("join") { event in
            guard let command = roomCommand(event.arguments) else { return }
            target(server, command.namespace, filter: command.filter).socketsJoin([command.room])
        }
        socket.on("leave") { event in
            guard let command = roomCommand(event.arguments) else { return }
            target(server, command.namespace, filter: command.filter).socketsLeave([command.room])
        }
        socket.on("_disconnect") { event in
            let arguments = event.arguments
            guard let namespace = arguments.first?.stringValue else { return }
            let close = arguments.count > 1 ? (arguments[1].boolValue ?? false) : false
            target(server, namespace, filter: arguments.count > 2 ? arguments[2] : nil).disconnectSockets(close: close)
        }
    }

    private static func roomCommand(_ arguments: [JSONValue]) -> (namespace: String, room: String, filter: JSONValue?)? {
        guard arguments.count >= 2, let namespace = arguments[0].stringValue, let room = arguments[1].stringValue else {
            return nil
        }
        return (namespace, room, arguments.count > 2 ? arguments[2] : nil)
    }

    /// The namespace's operator, narrowed to the room `filter` names when it
    /// is a non-empty string.
    static func target(_ server: SocketIOServer, _ namespace: String, filter: JSONValue?) -> BroadcastOperator {
        let all = server.of(namespace).broadcastOperator
        guard case .string(let room)? = filter, !room.isEmpty else { return all }
        return all.to([room])
    }
}
