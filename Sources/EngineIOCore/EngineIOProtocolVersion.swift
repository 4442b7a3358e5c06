/// The revision of the Engine.IO protocol a client speaks, named by the
/// `EIO` query parameter of each of its requests.
///
/// Why a value: the two revisions differ in a few decisions (who pings, how
/// polling payloads and binary WebSocket messages are framed), and each is
/// taken once, from this value, where the session or the connection starts.
///
/// ```swift
/// EngineIOProtocolVersion(eio: "4")   // .v4
/// EngineIOProtocolVersion(eio: "3")   // .v3
/// EngineIOProtocolVersion(eio: nil)   // .v3, as the reference server reads it
/// ```
public enum EngineIOProtocolVersion: Int, Sendable, Hashable {
    /// Engine.IO v3 (socket.io-client 2.x, python-engineio 3.x): the client
    /// pings, polling payloads are length-prefixed, a binary WebSocket
    /// message starts with its packet type byte.
    case v3 = 3
    /// Engine.IO v4: the server pings, polling payloads are joined by 0x1E.
    case v4 = 4

    /// The revision an `EIO` parameter names: `"4"` is v4 and anything else,
    /// its absence included, is v3 (the reference server's rule; a v3 client
    /// is then refused unless the server allows EIO3).
    public init(eio: String?) {
        self = eio == "4" ? .v4 : .v3
    }
}
