import SocketIOClient
import SocketIOCore

/// One thing a socket reported, flattened for matching in tests.
enum Seen: Sendable, CustomStringConvertible {
    case connect(recovered: Bool)
    case disconnect(SocketDisconnectReason)
    case connectError(SocketIOClientError)
    case event(String, [JSONValue], Acknowledgement?)

    var description: String {
        switch self {
        case .connect(let recovered): return "connect(recovered: \(recovered))"
        case .disconnect(let reason): return "disconnect(\(reason.rawValue))"
        case .connectError(let error): return "connect_error(\(error))"
        case .event(let name, let arguments, _): return "\(name)\(arguments)"
        }
    }
}

extension Recorder where Element == Seen {
    /// Records everything `socket` reports, through its listener API.
    convenience init(recording socket: Socket) {
        self.init()
        socket.onConnect { [weak socket] in self.append(.connect(recovered: socket?.recovered ?? false)) }
        socket.onDisconnect { self.append(.disconnect($0)) }
        socket.onConnectError { self.append(.connectError($0)) }
        socket.onAny { self.append(.event($0.name, $0.arguments, $0.ack)) }
    }

    @discardableResult
    func connected() async throws -> Bool {
        let seen = try await next("connect") { if case .connect = $0 { return true }; return false }
        guard case .connect(let recovered) = seen else { return false }
        return recovered
    }

    @discardableResult
    func disconnected() async throws -> SocketDisconnectReason {
        let seen = try await next("disconnect") { if case .disconnect = $0 { return true }; return false }
        guard case .disconnect(let reason) = seen else { preconditionFailure() }
        return reason
    }

    func connectError() async throws -> SocketIOClientError {
        let seen = try await next("connect_error") { if case .connectError = $0 { return true }; return false }
        guard case .connectError(let error) = seen else { preconditionFailure() }
        return error
    }

    /// The next event named `name`: its arguments and ack.
    @discardableResult
    func event(_ name: String) async throws -> (arguments: [JSONValue], ack: Acknowledgement?) {
        let seen = try await next("event \(name)") { if case .event(name, _, _) = $0 { return true }; return false }
        guard case .event(_, let arguments, let ack) = seen else { preconditionFailure() }
        return (arguments, ack)
    }
}

extension Recorder where Element == ManagerEvent {
    convenience init(recording manager: Manager) {
        self.init()
        manager.onAny { self.append($0) }
    }

    func next(_ name: ManagerEvent.Name) async throws -> ManagerEvent {
        try await next(name.rawValue) { $0.name == name }
    }
}
