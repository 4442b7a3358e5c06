import SocketIOCore

/// Swift values to Socket.IO arguments and back, through `JSONValueEncoder`
/// and `JSONValueDecoder`: `Data` and `ByteBuffer` at any depth become
/// binary attachments, a `JSONValue` passes through untouched. Every
/// failure is a ``SocketIOClientError`` with code `codingFailed`.
enum ArgumentEncoding {
    static func encode(_ value: some Encodable) throws(SocketIOClientError) -> JSONValue {
        do {
            return try JSONValueEncoder().encode(value)
        } catch {
            throw .coding(error)
        }
    }

    /// Each value of a parameter pack, in order.
    static func encode<each Value: Encodable>(_ values: repeat each Value) throws(SocketIOClientError) -> [JSONValue] {
        var encoded: [JSONValue] = []
        for value in repeat each values {
            encoded.append(try encode(value))
        }
        return encoded
    }

    /// Argument `index` of `arguments` (of event `name`, for the message).
    static func decode<T: Decodable>(_ type: T.Type, at index: Int, of arguments: [JSONValue], name: String) throws(SocketIOClientError) -> T {
        guard arguments.indices.contains(index) else {
            throw SocketIOClientError(code: .codingFailed, message: "\(name) has no argument \(index)")
        }
        do {
            return try JSONValueDecoder().decode(T.self, from: arguments[index])
        } catch {
            throw .coding(error)
        }
    }
}
