#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import NIOCore
public import SocketIOCore

// Foundation `Data` for binary arguments, so that applications never need
// NIO's `ByteBuffer` (which stays available through `binary(_:)` and
// `binaryValue` for zero-copy use).

extension JSONValue {
    /// A binary argument (a Socket.IO attachment) holding `data`.
    ///
    /// ```swift
    /// socket.emit("upload", ["name": "a.png", "bytes": .data(png)])
    /// ```
    public static func data(_ data: Data) -> JSONValue {
        .binary(ByteBuffer(bytes: data))
    }

    /// The bytes of a binary value as `Data` (a copy), or nil when this is
    /// not ``JSONValue/binary(_:)``; ``binaryValue`` gives the buffer
    /// itself without copying.
    ///
    /// ```swift
    /// socket.on("file") { event in
    ///     if let bytes = event.arguments.first?.dataValue { print(bytes.count) }
    /// }
    /// ```
    public var dataValue: Data? {
        guard case .binary(let buffer) = self else { return nil }
        return Data(buffer.readableBytesView)
    }
}
