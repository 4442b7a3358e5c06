public import RoomEngine
public import SocketIO
import SocketIOCore

/// Who a socket connecting to the rooms namespace is, as an application's
/// check (``RoomServiceConfiguration/identify``) decides from its handshake
/// (the client's `auth`, the request's headers): a member identity, stable
/// across reconnections, that the socket then joins rooms as (it is the
/// member id in snapshots, operations and recordings); or a refusal, which
/// the client gets as `connect_error` with the message.
///
/// ```swift
/// configuration.identify = { handshake in
///     guard let name = handshake.auth["name"]?.stringValue, !name.isEmpty else { return .refused("auth {name} is missing") }
///     return .member(MemberID(name))
/// }
/// ```
public enum MemberIdentification: Sendable, Hashable {
    /// The socket is this member.
    case member(MemberID)
    /// The socket may not connect; the message says why.
    case refused(String)
}

/// An application's identity check (see ``MemberIdentification``).
public typealias MemberIdentifier = @Sendable (SocketIOHandshake) -> MemberIdentification

extension MemberSession {
    /// Where the namespace's middleware leaves a socket's identity: its
    /// `data` (shown where the application shows socket data).
    static let identityKey = "member"

    /// Installs `identify` as the namespace's connection middleware.
    static func requireIdentity(on namespace: SocketIONamespace, _ identify: @escaping MemberIdentifier) {
        namespace.use { socket, next in
            switch identify(socket.handshake) {
            case .member(let member):
                guard !member.rawValue.isEmpty, member.rawValue.utf8.count <= 128 else {
                    return next(SocketIOConnectError("the identity must be 1 to 128 bytes"))
                }
                var data: JSONObject = [:]
                if case .object(let existing) = socket.data { data = existing }
                data[identityKey] = .string(member.rawValue)
                socket.data = .object(data)
                next(nil)
            case .refused(let message):
                next(SocketIOConnectError(message))
            }
        }
    }

    /// The identity the namespace's check gave `socket`, if it has one
    /// (read once, when its session starts).
    static func provenIdentity(of socket: SocketIOSocket) -> MemberID? {
        guard case .object(let data) = socket.data, let member = data[identityKey]?.stringValue else { return nil }
        return MemberID(member)
    }
}
