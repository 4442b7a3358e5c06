public import MessagePack
public import NIOCore
public import SocketIOCore

extension ByteBuffer {
    /// Appends `value` as `notepack.io` encodes the JavaScript value it
    /// stands for, byte for byte: numbers by
    /// ``NIOCore/ByteBuffer/writeMessagePackNumber(_:)`` (so `2.0` is `02`),
    /// ``JSONValue/binary(_:)`` as bin8/16/32, objects as maps of string keys
    /// in insertion order.
    ///
    /// Why straight from ``JSONValue``: an emit is encoded once per
    /// broadcast, and building a ``MessagePackValue`` tree first would cost
    /// an allocation per array and object for nothing.
    ///
    /// ```swift
    /// var buffer = ByteBuffer()
    /// buffer.writeMessagePack(json: ["hello", .binary(ByteBuffer(bytes: [1, 2, 3]))])
    /// // 92 a5 68 65 6c 6c 6f c4 03 01 02 03
    /// ```
    public mutating func writeMessagePack(json value: JSONValue) {
        switch value {
        case .null: self.writeMessagePackNil()
        case .bool(let value): self.writeMessagePackBool(value)
        case .int(let value): self.writeMessagePackInteger(value)
        case .double(let value): self.writeMessagePackNumber(value)
        case .string(let value): self.writeMessagePackString(value)
        case .binary(let bytes): self.writeMessagePackBinary(bytes)
        case .array(let elements):
            self.writeMessagePackArrayHeader(count: elements.count)
            for element in elements { self.writeMessagePack(json: element) }
        case .object(let object):
            self.writeMessagePackMapHeader(count: object.count)
            for (key, value) in object {
                self.writeMessagePackString(key)
                self.writeMessagePack(json: value)
            }
        }
    }
}

extension MessagePackValue {
    /// The MessagePack value notepack would produce for the JavaScript value
    /// `json` stands for (see `ByteBuffer.writeMessagePack(json:)`, which
    /// writes the same bytes without building the tree).
    ///
    /// ```swift
    /// MessagePackValue(json: ["a": 2.0])   // ["a": .int(2)]
    /// ```
    public init(json value: JSONValue) {
        switch value {
        case .null: self = .nil
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = MessagePackValue(javaScriptNumber: value)
        case .string(let value): self = .string(value)
        case .binary(let bytes): self = .binary(bytes)
        case .array(let elements): self = .array(elements.map(MessagePackValue.init(json:)))
        case .object(let object):
            self = .map(object.map { MessagePackMapEntry(key: .string($0.key), value: MessagePackValue(json: $0.value)) })
        }
    }
}
