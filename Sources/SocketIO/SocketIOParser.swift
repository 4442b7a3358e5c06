/// The wire format of Socket.IO packets a server speaks (the reference
/// server's `parser` option). Every client of a server must use the same.
///
/// ```swift
/// var options = SocketIOConfiguration()
/// options.parser = .msgpack   // clients: python-socketio `serializer="msgpack"`,
///                             // JS `parser: require("socket.io-msgpack-parser")`
/// ```
public enum SocketIOParser: String, Sendable, Hashable, CaseIterable {
    /// The standard parser (socket.io-parser): a text message of JSON per
    /// packet, binary values sent as attachments after it.
    case `default`
    /// socket.io-msgpack-parser: one binary message per packet, a
    /// MessagePack map `{type, nsp, data?, id?}` with binary values inline.
    /// Smaller for binary-heavy traffic; every packet is binary on the wire,
    /// so polling clients receive base64.
    case msgpack
}
