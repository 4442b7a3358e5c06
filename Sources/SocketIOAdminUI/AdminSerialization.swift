import SocketIOCore
import SocketIOAdapter

/// The dashboard's view of a socket (upstream's `serialize`): pure, from a
/// snapshot of a socket of this server or of another one of the cluster.
enum AdminSerialization {
    /// The key of `socket.data` the instrumentation keeps its own facts
    /// under (`{clientId, transport}`), so that other servers'
    /// `fetchSockets` answers carry them; never shown as data.
    static let adminKey = "_admin"

    /// `{id, clientId, transport, nsp, data, handshake, rooms}`; `clientId`
    /// and `transport` come from `data._admin` and are left out when it
    /// lacks them, as upstream's `undefined`.
    static func socket(_ snapshot: SocketSnapshot, namespace: String) -> JSONValue {
        var object: JSONObject = ["id": .string(snapshot.id)]
        if let clientId = snapshot.data[adminKey]?["clientId"] { object["clientId"] = clientId }
        if let transport = snapshot.data[adminKey]?["transport"] { object["transport"] = transport }
        object["nsp"] = .string(namespace)
        object["data"] = data(snapshot.data)
        object["handshake"] = handshake(snapshot.handshake)
        object["rooms"] = .array(snapshot.rooms.map { .string($0) })
        return .object(object)
    }

    /// `data` without the instrumentation's key (upstream's `serializeData`).
    static func data(_ data: JSONValue) -> JSONValue {
        guard case .object(var object) = data else { return data }
        _ = object.removeValue(forKey: adminKey)
        return .object(object)
    }

    /// The handshake without `auth` (the dashboard must not see passwords
    /// or tokens), its address the proxy's client address when one is given
    /// (`cf-connecting-ip`, then `x-forwarded-for`).
    static func handshake(_ handshake: JSONValue) -> JSONValue {
        let headers = handshake["headers"] ?? .object([:])
        let address = headers["cf-connecting-ip"] ?? headers["x-forwarded-for"] ?? handshake["address"] ?? .string("")
        var object: JSONObject = ["address": address, "headers": headers]
        for key in ["query", "issued", "secure", "time", "url", "xdomain"] {
            if let value = handshake[key] { object[key] = value }
        }
        return .object(object)
    }

    /// `data` with `_admin` set to `{clientId, transport}` (an object made
    /// when `data` is not one).
    static func data(_ data: JSONValue, withClientId clientId: String, transport: String) -> JSONValue {
        var object: JSONObject
        if case .object(let existing) = data { object = existing } else { object = [:] }
        object[adminKey] = .object(["clientId": .string(clientId), "transport": .string(transport)])
        return .object(object)
    }

    /// Whether `data` holds something besides the instrumentation's key.
    static func hasApplicationData(_ data: JSONValue) -> Bool {
        guard case .object(let object) = data else { return !data.isNull }
        return object.keys.contains { $0 != adminKey }
    }
}
