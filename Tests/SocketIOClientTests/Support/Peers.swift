import SocketIOClient

/// How a test client connects: polling only, WebSocket only, or polling
/// upgraded to WebSocket.
enum TransportMode: String, CaseIterable, Sendable, CustomStringConvertible {
    case polling
    case websocket
    case upgrade

    var transports: [ClientTransport] {
        switch self {
        case .polling: return [.polling]
        case .websocket: return [.websocket]
        case .upgrade: return [.polling, .websocket]
        }
    }

    var description: String { rawValue }
}

/// The server a loopback test talks to.
enum PeerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Our server, in this process.
    case huddle
    /// python-socketio, as a child process.
    case python

    var description: String { rawValue }

    /// Runs `body` with the URL of a fresh server of this kind, stopped after.
    func withServer<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        switch self {
        case .huddle:
            let server = try await InProcessServer.start()
            do {
                let result = try await body(server.url)
                try await server.stop()
                return result
            } catch {
                try? await server.stop()
                throw error
            }
        case .python:
            let peer = try await PythonPeer.start()
            defer { peer.stop() }
            return try await body(peer.url)
        }
    }
}

extension ClientOptions {
    /// Test defaults: no autoConnect (listeners first), quick reconnection.
    static func testing(_ mode: TransportMode = .websocket) -> ClientOptions {
        var options = ClientOptions()
        options.transports = mode.transports
        options.autoConnect = false
        options.reconnectionDelay = .milliseconds(50)
        options.reconnectionDelayMax = .milliseconds(300)
        return options
    }
}
