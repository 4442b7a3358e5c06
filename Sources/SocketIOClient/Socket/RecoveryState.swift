import SocketIOCore

/// The client's half of connection state recovery (Socket.IO 4.6+), as a
/// pure value.
///
/// The server names the session with a private id in its CONNECT answer
/// (`40{"sid":"..","pid":".."}`) and, while recovery is on, appends an
/// offset string as the last argument of every event it sends without an
/// ack id. The client keeps the pid and the last offset and sends both in
/// the next CONNECT, merged before the auth object; the server then replays
/// what was missed and answers with the same pid (`recovered`).
///
/// Unlike the JavaScript client, which leaves the offset in the arguments
/// handed to listeners, the offset is removed here: listeners see the
/// arguments the server application emitted.
struct RecoveryState: Sendable, Hashable {
    private(set) var pid: String?
    private(set) var lastOffset: String?

    /// The CONNECT payload: `{pid, offset, ...auth}` while a session is
    /// known, otherwise the auth object (nil: no payload at all).
    func connectPayload(auth: JSONObject?) -> JSONObject? {
        guard let pid else { return auth }
        var payload: JSONObject = ["pid": .string(pid)]
        if let lastOffset { payload["offset"] = .string(lastOffset) }
        for (key, value) in auth ?? [:] { payload[key] = value }
        return payload
    }

    /// Records the CONNECT answer's pid; true when it continues the session
    /// the client asked to recover.
    mutating func connected(pid newPid: String?) -> Bool {
        let recovered = newPid != nil && newPid == pid
        if !recovered { lastOffset = nil }
        pid = newPid
        return recovered
    }

    /// For an incoming event: when recovery is on and the event carries no
    /// ack id, removes the trailing offset from `arguments` and keeps it.
    mutating func takeOffset(from arguments: inout [JSONValue], hasAckID: Bool) {
        guard pid != nil, !hasAckID, case .string(let offset)? = arguments.last else { return }
        lastOffset = offset
        arguments.removeLast()
    }
}
