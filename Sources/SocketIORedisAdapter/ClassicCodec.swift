import MessagePack
import NIOCore
import SocketIOAdapter
import SocketIOCore
import SocketIOMessagePack

/// Encodes and decodes the classic adapter's messages (spec sections 1.4,
/// 1.5, 5): broadcasts and type-7/9 messages in msgpack as notepack writes
/// them, everything else in JSON as `JSON.stringify` writes it, keys in
/// Node's order so that the bytes match a Node server's. Pure: bytes in,
/// values out.
///
/// ```swift
/// let bytes = ClassicCodec.encode(broadcast)           // [uid, P, O] in msgpack
/// let again = try ClassicCodec.decodeBroadcast(bytes)
/// ```
enum ClassicCodec {
    /// Bounds for a message from Redis (anyone on the cluster can publish).
    static let limits = MessagePackDecoder.Limits(maximumDepth: 64, maximumCollectionCount: 1 << 20, maximumInputSize: 64 << 20)

    // MARK: encoding

    /// `[uid, P, O]`, for a broadcast channel.
    static func encode(_ broadcast: ClassicBroadcast) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMessagePack(json: .array([.string(broadcast.uid), packetObject(broadcast.packet), optionsObject(broadcast.options, withFlags: true)]))
        return buffer
    }

    /// A request, msgpack for a broadcast with acks, JSON otherwise.
    static func encode(_ request: ClassicRequest) -> ByteBuffer {
        var buffer = ByteBuffer()
        switch request {
        case .broadcastWithAck(let requestID, let broadcast):
            buffer.writeMessagePack(json: .object([
                "uid": .string(broadcast.uid), "requestId": .string(requestID), "type": .int(ClassicRequestType.broadcast.rawValue),
                "packet": packetObject(broadcast.packet), "opts": optionsObject(broadcast.options, withFlags: true),
            ]))
            return buffer
        case .socketsJoin(let uid, let options, let rooms), .socketsLeave(let uid, let options, let rooms):
            let type: ClassicRequestType = if case .socketsJoin = request { .remoteJoin } else { .remoteLeave }
            buffer.writeJSON(.object([
                "uid": .string(uid), "type": .int(type.rawValue), "opts": optionsObject(options, withFlags: false),
                "rooms": .array(rooms.map(JSONValue.string)),
            ]))
        case .disconnectSockets(let uid, let options, let close):
            buffer.writeJSON(.object([
                "uid": .string(uid), "type": .int(ClassicRequestType.remoteDisconnect.rawValue),
                "opts": optionsObject(options, withFlags: false), "close": .bool(close),
            ]))
        case .legacyJoin(let requestID, let socket, let room), .legacyLeave(let requestID, let socket, let room):
            let type: ClassicRequestType = if case .legacyJoin = request { .remoteJoin } else { .remoteLeave }
            buffer.writeJSON(.object(["requestId": .string(requestID), "type": .int(type.rawValue), "sid": .string(socket), "room": .string(room)]))
        case .legacyDisconnect(let requestID, let socket, let close):
            buffer.writeJSON(.object([
                "requestId": .string(requestID), "type": .int(ClassicRequestType.remoteDisconnect.rawValue), "sid": .string(socket), "close": .bool(close),
            ]))
        case .fetchSockets(let uid, let requestID, let options):
            buffer.writeJSON(.object([
                "uid": .string(uid), "requestId": .string(requestID), "type": .int(ClassicRequestType.remoteFetch.rawValue),
                "opts": optionsObject(options, withFlags: false),
            ]))
        case .serverSideEmit(let uid, let requestID, let arguments):
            var object: JSONObject = ["uid": .string(uid)]
            if let requestID { object["requestId"] = .string(requestID) }
            object["type"] = .int(ClassicRequestType.serverSideEmit.rawValue)
            object["data"] = .array(arguments.map(nodeJSON))
            buffer.writeJSON(.object(object))
        case .allRooms(let uid, let requestID):
            buffer.writeJSON(.object(["uid": .string(uid), "requestId": .string(requestID), "type": .int(ClassicRequestType.allRooms.rawValue)]))
        case .sockets(let requestID, let rooms):
            buffer.writeJSON(.object([
                "requestId": .string(requestID), "type": .int(ClassicRequestType.sockets.rawValue), "rooms": .array(rooms.map(JSONValue.string)),
            ]))
        }
        return buffer
    }

    /// A response: type 9 in msgpack (it may carry binary), the rest in JSON.
    static func encode(_ response: ClassicResponse) -> ByteBuffer {
        var buffer = ByteBuffer()
        switch response {
        case .clientCount(let requestID, let count):
            buffer.writeJSON(.object([
                "type": .int(ClassicRequestType.broadcastClientCount.rawValue), "requestId": .string(requestID), "clientCount": .int(Int64(count)),
            ]))
        case .broadcastAck(let requestID, let argument):
            buffer.writeMessagePack(json: .object([
                "type": .int(ClassicRequestType.broadcastAck.rawValue), "requestId": .string(requestID), "packet": argument,
            ]))
        case .serverSideEmit(let requestID, let argument):
            buffer.writeJSON(.object([
                "type": .int(ClassicRequestType.serverSideEmit.rawValue), "requestId": .string(requestID), "data": nodeJSON(argument),
            ]))
        case .plain(let requestID, let body):
            var object: JSONObject = ["requestId": .string(requestID)]
            for (key, value) in body where key != "requestId" { object[key] = nodeJSON(value) }
            buffer.writeJSON(.object(object))
        }
        return buffer
    }

    /// `{type: 2, data, nsp}`: the unencoded packet as Node's parser holds it.
    static func packetObject(_ packet: SocketIOPacket) -> JSONValue {
        .object(["type": .int(Int64(SocketIOPacket.PacketType.event.rawValue)), "data": packet.data ?? .array([]), "nsp": .string(packet.namespace)])
    }

    /// `{rooms, except[, flags]}`; flags as Node sets them (only what differs
    /// from the default; `local` never leaves a server).
    static func optionsObject(_ options: BroadcastOptions, withFlags: Bool) -> JSONValue {
        var object: JSONObject = [
            "rooms": .array(options.rooms.sorted().map(JSONValue.string)),
            "except": .array(options.except.sorted().map(JSONValue.string)),
        ]
        if withFlags {
            var flags = JSONObject()
            if options.flags.volatile { flags["volatile"] = .bool(true) }
            if !options.flags.compress { flags["compress"] = .bool(false) }
            if let timeout = options.flags.timeout { flags["timeout"] = .int(timeout.nanoseconds / 1_000_000) }
            object["flags"] = .object(flags)
        }
        return .object(object)
    }

    /// `value` as JSON.stringify renders a Node value: binary (a Buffer) is
    /// `{"type":"Buffer","data":[bytes]}`.
    static func nodeJSON(_ value: JSONValue) -> JSONValue {
        switch value {
        case .binary(let bytes):
            return .object(["type": "Buffer", "data": .array(bytes.readableBytesView.map { .int(Int64($0)) })])
        case .array(let elements):
            return .array(elements.map(nodeJSON))
        case .object(let object):
            var copy = JSONObject(minimumCapacity: object.count)
            for (key, value) in object { copy[key] = nodeJSON(value) }
            return .object(copy)
        default:
            return value
        }
    }

    // MARK: decoding

    /// A broadcast channel's `[uid, P, O]`.
    static func decodeBroadcast(_ bytes: ByteBuffer) throws(ClassicMessageError) -> ClassicBroadcast {
        guard case .array(let parts) = try decodeMessagePack(bytes), parts.count >= 3 else {
            throw ClassicMessageError(description: "a broadcast is not [uid, packet, options]")
        }
        guard let uid = parts[0].stringValue else { throw ClassicMessageError(description: "a broadcast without a uid") }
        return ClassicBroadcast(uid: uid, packet: try packet(parts[1]), options: try options(parts[2]))
    }

    /// A request channel's message (JSON when it starts with `{`, else msgpack).
    static func decodeRequest(_ bytes: ByteBuffer) throws(ClassicMessageError) -> ClassicRequest? {
        let object = try decodeObject(bytes)
        guard let rawType = object["type"]?.int64Value, let type = ClassicRequestType(rawValue: rawType) else { return nil }
        let uid = object["uid"]?.stringValue
        let requestID = object["requestId"]?.stringValue
        switch type {
        case .sockets:
            guard let requestID else { throw missing("requestId") }
            return .sockets(requestID: requestID, rooms: strings(object["rooms"]))
        case .allRooms:
            guard let uid, let requestID else { throw missing("uid or requestId") }
            return .allRooms(uid: uid, requestID: requestID)
        case .remoteJoin, .remoteLeave:
            if let opts = object["opts"] {
                guard let uid else { throw missing("uid") }
                let options = try options(opts)
                let rooms = strings(object["rooms"])
                return type == .remoteJoin ? .socketsJoin(uid: uid, options: options, rooms: rooms) : .socketsLeave(uid: uid, options: options, rooms: rooms)
            }
            guard let requestID, let socket = object["sid"]?.stringValue, let room = object["room"]?.stringValue else { throw missing("sid or room") }
            return type == .remoteJoin ? .legacyJoin(requestID: requestID, socket: socket, room: room) : .legacyLeave(requestID: requestID, socket: socket, room: room)
        case .remoteDisconnect:
            let close = object["close"]?.boolValue ?? false
            if let opts = object["opts"] {
                guard let uid else { throw missing("uid") }
                return .disconnectSockets(uid: uid, options: try options(opts), close: close)
            }
            guard let requestID, let socket = object["sid"]?.stringValue else { throw missing("sid") }
            return .legacyDisconnect(requestID: requestID, socket: socket, close: close)
        case .remoteFetch:
            guard let uid, let requestID else { throw missing("uid or requestId") }
            return .fetchSockets(uid: uid, requestID: requestID, options: try options(object["opts"] ?? .object([:])))
        case .serverSideEmit:
            guard let uid, case .array(let arguments)? = object["data"], arguments.first?.stringValue != nil else { throw missing("uid or data") }
            return .serverSideEmit(uid: uid, requestID: requestID, arguments: arguments)
        case .broadcast:
            guard let uid, let requestID, let packet = object["packet"] else { throw missing("uid, requestId or packet") }
            let broadcast = ClassicBroadcast(uid: uid, packet: try self.packet(packet), options: try options(object["opts"] ?? .object([:])))
            return .broadcastWithAck(requestID: requestID, broadcast: broadcast)
        case .broadcastClientCount, .broadcastAck:
            return nil
        }
    }

    /// A response channel's message.
    static func decodeResponse(_ bytes: ByteBuffer) throws(ClassicMessageError) -> ClassicResponse {
        let object = try decodeObject(bytes)
        guard let requestID = object["requestId"]?.stringValue else { throw missing("requestId") }
        switch object["type"]?.int64Value.flatMap(ClassicRequestType.init(rawValue:)) {
        case .broadcastClientCount?:
            guard let count = object["clientCount"]?.int64Value, count >= 0 else { throw missing("clientCount") }
            return .clientCount(requestID: requestID, count: Int(count))
        case .broadcastAck?:
            return .broadcastAck(requestID: requestID, argument: object["packet"] ?? .null)
        case .serverSideEmit?:
            return .serverSideEmit(requestID: requestID, argument: object["data"] ?? .null)
        default:
            return .plain(requestID: requestID, body: object)
        }
    }

    private static func missing(_ what: String) -> ClassicMessageError {
        ClassicMessageError(description: "a message without \(what)")
    }

    private static func decodeObject(_ bytes: ByteBuffer) throws(ClassicMessageError) -> JSONObject {
        let value: JSONValue
        if bytes.readableBytesView.first == UInt8(ascii: "{") {
            do { value = try JSONValue(parsing: bytes) } catch { throw ClassicMessageError(description: "bad JSON: \(error)") }
        } else {
            value = try decodeMessagePack(bytes)
        }
        guard case .object(let object) = value else { throw ClassicMessageError(description: "a message that is not an object") }
        return object
    }

    private static func decodeMessagePack(_ bytes: ByteBuffer) throws(ClassicMessageError) -> JSONValue {
        do {
            let decoded = try MessagePackDecoder(limits: limits, readsNotepackArrayBuffersAsBinary: true).decode(bytes)
            return try JSONValue(messagePack: decoded)
        } catch {
            throw ClassicMessageError(description: "bad msgpack: \(error)")
        }
    }

    /// A packet object: an EVENT (type 2, or 5 from a sender that typed its
    /// binary) whose data starts with the event name; `nsp` `/` when absent.
    static func packet(_ value: JSONValue) throws(ClassicMessageError) -> SocketIOPacket {
        guard case .object(let object) = value, case .array(let data)? = object["data"], data.first?.stringValue != nil else {
            throw ClassicMessageError(description: "a packet without event data")
        }
        let type = object["type"]?.int64Value ?? 2
        guard type == 2 || type == 5 else { throw ClassicMessageError(description: "a packet of type \(type)") }
        return SocketIOPacket(type: .event, namespace: object["nsp"]?.stringValue ?? SocketIOPacket.mainNamespace, data: .array(data))
    }

    /// An options object; unknown flags are ignored, `local` never applies
    /// to a message that already crossed servers.
    static func options(_ value: JSONValue) throws(ClassicMessageError) -> BroadcastOptions {
        guard case .object(let object) = value else { throw ClassicMessageError(description: "options that are not an object") }
        var flags = BroadcastFlags()
        if case .object(let given)? = object["flags"] {
            flags.volatile = given["volatile"]?.boolValue ?? false
            flags.compress = given["compress"]?.boolValue ?? true
            if let timeout = given["timeout"]?.doubleValue, timeout.isFinite, timeout >= 0, timeout < 1e12 {
                flags.timeout = .milliseconds(Int64(timeout))
            }
        }
        return BroadcastOptions(rooms: Set(strings(object["rooms"])), except: Set(strings(object["except"])), flags: flags)
    }

    /// The strings of an array (numbers as JavaScript prints them: a room
    /// may be a number upstream); anything else is skipped.
    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let elements)? = value else { return [] }
        return elements.compactMap { element in
            switch element {
            case .string(let string): return string
            case .int, .double: return element.jsonString
            default: return nil
            }
        }
    }
}
