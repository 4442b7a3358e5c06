/// The Redis channels of one namespace in the classic format of Node's
/// `@socket.io/redis-adapter` (spec section 1.3): a server must use exactly
/// these names to share a cluster with Node servers.
///
/// ```swift
/// let channels = ClassicChannels(key: "socket.io", namespace: "/chat", uid: "Ab3_x-")
/// channels.broadcast(toRooms: ["lobby"])   // "socket.io#/chat#lobby#"
/// ```
struct ClassicChannels: Sendable, Hashable {
    /// The key prefix (the adapter's `key` option).
    let key: String
    /// The namespace name, `/` or `/chat`.
    let namespace: String
    /// This server's uid for the namespace.
    let uid: String

    /// `K#N#`: the prefix of every broadcast channel.
    var broadcastPrefix: String { "\(key)#\(namespace)#" }
    /// `K#N#*`: the pattern this server subscribes for broadcasts.
    var broadcastPattern: String { broadcastPrefix + "*" }
    /// `K-request#N#`: requests to every server.
    var request: String { "\(key)-request#\(namespace)#" }
    /// `K-response#N#`: the shared response channel.
    var response: String { "\(key)-response#\(namespace)#" }
    /// `K-response#N#<uid>#`: responses addressed to this server.
    var ownResponse: String { specificResponse(for: uid) }

    /// `K-response#N#<uid>#` for the server `uid`.
    func specificResponse(for uid: String) -> String { "\(key)-response#\(namespace)#\(uid)#" }

    /// The channel a broadcast to `rooms` is published on: one room has its
    /// own channel (`K#N#R#`), any other target set the namespace's.
    func broadcast(toRooms rooms: Set<String>) -> String {
        if rooms.count == 1, let room = rooms.first { return "\(broadcastPrefix)\(room)#" }
        return broadcastPrefix
    }

    /// The room a broadcast channel names: `""` for `K#N#`, `R` for
    /// `K#N#R#` (a room name may itself hold `#`: only the prefix and the
    /// final `#` are stripped); nil for a channel outside the namespace.
    func room(inBroadcastChannel channel: String) -> String? {
        guard channel.hasPrefix(broadcastPrefix) else { return nil }
        let rest = channel.dropFirst(broadcastPrefix.count)
        if rest.isEmpty { return "" }
        guard rest.hasSuffix("#") else { return nil }
        return String(rest.dropLast())
    }
}
