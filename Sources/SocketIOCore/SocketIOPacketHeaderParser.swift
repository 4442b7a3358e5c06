// Parsing of one Socket.IO text message:
//
//     <type>[<attachments>-][<namespace>,][<ack id>][JSON data]
//
// following socket.io-parser's `decodeString`: a namespace is present when the
// byte after the attachment prefix is `/` and runs to the first `,` (or to the
// end of the message); an ack id is the run of digits that follows; the rest
// is one JSON value.

enum SocketIOPacketHeaderParser {
    /// Parses `bytes` into a packet (binary types already reported as EVENT /
    /// ACK, placeholders still in place) and, for binary types, the number of
    /// attachments that must follow (`nil` for other types).
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        configuration: SocketIOPacketDecoder.Configuration
    ) throws(SocketIOProtocolError) -> (packet: SocketIOPacket, attachmentCount: Int?) {
        guard !bytes.isEmpty else { throw .emptyPacket }
        let typeByte = bytes[0]
        guard let type = SocketIOPacket.PacketType(rawValue: typeByte &- UInt8(ascii: "0")) else {
            throw .unknownPacketType(typeByte)
        }
        var offset = 1

        var attachmentCount: Int?
        if type == .binaryEvent || type == .binaryAck {
            let count = try Self.parseAttachmentCount(bytes, offset: &offset)
            guard count <= configuration.maximumAttachments else {
                throw .tooManyAttachments(count: count, limit: configuration.maximumAttachments)
            }
            attachmentCount = count
        }

        var namespace = SocketIOPacket.mainNamespace
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "/") {
            let start = offset
            while offset < bytes.count, bytes[offset] != UInt8(ascii: ",") {
                offset += 1
            }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
            guard UTF8Validation.isValid(raw) else { throw .invalidNamespace }
            namespace = raw.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
            if offset < bytes.count { offset += 1 }  // the ","
        }

        var ackID: UInt64?
        if offset < bytes.count, Self.isDigit(bytes[offset]) {
            var id: UInt64 = 0
            while offset < bytes.count, Self.isDigit(bytes[offset]) {
                let (times10, overflow1) = id.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[offset] &- UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { throw .invalidAckID }
                id = sum
                offset += 1
            }
            ackID = id
        }

        var data: JSONValue?
        if offset < bytes.count {
            let payload = UnsafeRawBufferPointer(rebasing: bytes[offset..<bytes.count])
            do {
                data = try JSONValue(parsing: payload, options: configuration.jsonOptions)
            } catch {
                // Report the position within the whole message.
                throw .invalidJSON(JSONParseError(error.reason, at: error.offset + offset))
            }
        }

        try SocketIOPacket.validate(type: type, ackID: ackID, data: data)
        let reportedType: SocketIOPacket.PacketType
        switch type {
        case .binaryEvent: reportedType = .event
        case .binaryAck: reportedType = .ack
        default: reportedType = type
        }
        let packet = SocketIOPacket(type: reportedType, namespace: namespace, ackID: ackID, data: data)
        return (packet, attachmentCount)
    }

    /// Reads `<digits>-` at `offset`; saturates instead of overflowing so a
    /// huge announced count is reported as too many attachments.
    private static func parseAttachmentCount(_ bytes: UnsafeRawBufferPointer, offset: inout Int) throws(SocketIOProtocolError) -> Int {
        let start = offset
        var count = 0
        while offset < bytes.count, Self.isDigit(bytes[offset]) {
            let (times10, overflow1) = count.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(bytes[offset] &- UInt8(ascii: "0")))
            count = overflow1 || overflow2 ? Int.max : sum
            offset += 1
        }
        guard offset > start, offset < bytes.count, bytes[offset] == UInt8(ascii: "-") else {
            throw .invalidAttachmentCount
        }
        offset += 1
        return count
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
