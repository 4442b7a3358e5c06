import NIOCore
import SocketIOCore

/// The server's OPEN packet as the client reads it:
/// `0{"sid":"..","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`.
struct EngineHandshakeInfo: Sendable, Hashable {
    var sid: String
    var upgrades: [String]
    /// Milliseconds between the server's pings.
    var pingInterval: Int64
    /// Milliseconds the server waits for a pong; the client waits
    /// pingInterval + pingTimeout for a ping before giving up.
    var pingTimeout: Int64
    /// The largest payload the server accepts (0: no limit announced).
    var maxPayload: Int

    init(sid: String, upgrades: [String], pingInterval: Int64, pingTimeout: Int64, maxPayload: Int) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }

    /// Reads the JSON after the packet type.
    init(json: ByteBuffer) throws(TransportFailure) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw .invalidHandshake("not JSON: \(error)")
        }
        guard case .string(let sid)? = value["sid"], !sid.isEmpty else { throw .invalidHandshake("no sid") }
        guard let interval = value["pingInterval"]?.int64Value, interval > 0,
              let timeout = value["pingTimeout"]?.int64Value, timeout > 0
        else { throw .invalidHandshake("no ping interval or timeout") }
        self.sid = sid
        upgrades = value["upgrades"]?.arrayValue?.compactMap(\.stringValue) ?? []
        pingInterval = interval
        pingTimeout = timeout
        maxPayload = value["maxPayload"]?.int64Value.map { Int(clamping: $0) } ?? 0
    }

    /// How long the client waits for the next ping.
    var pingDeadline: TimeAmount {
        .milliseconds(pingInterval + pingTimeout)
    }
}
