
/// The JSON of the Engine.IO v4 OPEN packet.
///
/// Written by hand (five known fields, one of them a string we generate from
/// a URL-safe alphabet) so that a handshake costs no JSON encoder.
///
/// ```swift
/// let open = EngineIOHandshake(sid: "abc", upgrades: ["websocket"],
///                              pingInterval: 25000, pingTimeout: 20000, maxPayload: 1_000_000)
/// open.packet   // 0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,...}
/// ```
public struct EngineIOHandshake: Sendable, Hashable {
    /// The session id.
    public var sid: String
    /// Transports the client may upgrade to (`["websocket"]` for polling, `[]` otherwise).
    public var upgrades: [String]
    /// Milliseconds between server pings.
    public var pingInterval: Int
    /// Milliseconds the server waits for a pong.
    public var pingTimeout: Int
    /// The largest polling payload or WebSocket message the server accepts.
    public var maxPayload: Int

    /// A handshake with every field given.
    public init(sid: String, upgrades: [String], pingInterval: Int, pingTimeout: Int, maxPayload: Int) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }

    /// The JSON object, without the packet's type digit.
    public var json: String {
        let upgradeList = upgrades.map { "\"\(JSONStringEscaping.escape($0))\"" }.joined(separator: ",")
        return "{\"sid\":\"\(JSONStringEscaping.escape(sid))\",\"upgrades\":[\(upgradeList)],"
            + "\"pingInterval\":\(pingInterval),\"pingTimeout\":\(pingTimeout),\"maxPayload\":\(maxPayload)}"
    }

    /// The OPEN packet carrying this handshake.
    public var packet: EngineIOPacket {
        EngineIOPacket(type: .open, text: json)
    }
}

/// Minimal JSON string escaping for the few strings the Engine.IO layer
/// writes itself (handshake fields, error messages).
public enum JSONStringEscaping {
    /// `text` with `"`, `\` and control characters escaped as JSON requires.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
