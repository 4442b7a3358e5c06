import NIOCore

// JSONValue is Codable so it can sit inside typed payloads ("any extra data")
// and travel through other coders. With JSONValueEncoder/JSONValueDecoder it
// passes through untouched; other coders see the equivalent JSON structure.

extension JSONValue: Encodable {
    /// Encodes the equivalent structure. A ``binary(_:)`` value, which has no
    /// JSON form, is written the way Node.js stringifies a `Buffer`:
    /// `{"type":"Buffer","data":[...]}`.
    public func encode(to encoder: any Encoder) throws {
        if let native = encoder as? JSONValueEncoderImplementation {
            native.node = .value(self)
            return
        }
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let integer):
            var container = encoder.singleValueContainer()
            try container.encode(integer)
        case .double(let double):
            var container = encoder.singleValueContainer()
            try container.encode(double)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements {
                try container.encode(element)
            }
        case .object(let object):
            var container = encoder.container(keyedBy: JSONCodingKey.self)
            for (key, value) in object {
                try container.encode(value, forKey: JSONCodingKey(key))
            }
        case .binary(let bytes):
            var container = encoder.container(keyedBy: JSONCodingKey.self)
            try container.encode("Buffer", forKey: JSONCodingKey("type"))
            try container.encode(Array(bytes.readableBytesView), forKey: JSONCodingKey("data"))
        }
    }
}

extension JSONValue: Decodable {
    /// Decodes whatever structure the decoder holds. Integers that fit
    /// `Int64` become ``int(_:)``; other numbers ``double(_:)``. Key order is
    /// whatever the decoder reports (``JSONValueDecoder`` keeps it exactly).
    public init(from decoder: any Decoder) throws {
        if let native = decoder as? JSONValueDecoderImplementation {
            self = native.value
            return
        }
        if let container = try? decoder.container(keyedBy: JSONCodingKey.self) {
            var object = JSONObject(minimumCapacity: container.allKeys.count)
            for key in container.allKeys {
                object.updateValue(try container.decode(JSONValue.self, forKey: key), forKey: key.stringValue)
            }
            self = .object(object)
        } else if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            elements.reserveCapacity(container.count ?? 0)
            while !container.isAtEnd {
                elements.append(try container.decode(JSONValue.self))
            }
            self = .array(elements)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let integer = try? container.decode(Int64.self) {
                self = .int(integer)
            } else if let double = try? container.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }
}
