// Rules shared by the encoder and the decoder, so that whatever we send our
// own decoder (and the reference socket.io-parser) accepts.

extension SocketIOPacket {
    /// Checks the payload shape and ack id against the packet type.
    ///
    /// Follows socket.io-parser's `isPayloadValid`, made stricter where the
    /// protocol says MUST: EVENT and ACK payloads are mandatory, ACK packets
    /// need an ack id and only EVENT/ACK may carry one. Reserved event names
    /// (`connect`, `disconnect`, ...) are the server's business, not the
    /// codec's.
    static func validate(type: PacketType, ackID: UInt64?, data: JSONValue?) throws(SocketIOProtocolError) {
        let payloadIsValid: Bool
        switch type {
        case .connect:
            guard ackID == nil else { throw .invalidAckID }
            switch data {
            case nil, .object?: payloadIsValid = true
            default: payloadIsValid = false
            }
        case .disconnect:
            guard ackID == nil else { throw .invalidAckID }
            payloadIsValid = data == nil
        case .connectError:
            guard ackID == nil else { throw .invalidAckID }
            switch data {
            case nil, .object?, .string?: payloadIsValid = true
            default: payloadIsValid = false
            }
        case .event, .binaryEvent:
            if case .array(let elements)? = data, let name = elements.first {
                switch name {
                case .string, .int, .double: payloadIsValid = true
                default: payloadIsValid = false
                }
            } else {
                payloadIsValid = false
            }
        case .ack, .binaryAck:
            guard ackID != nil else { throw .invalidAckID }
            if case .array? = data { payloadIsValid = true } else { payloadIsValid = false }
        }
        guard payloadIsValid else { throw .invalidPayload(type) }
    }
}

extension SocketIOPacket {
    /// Checks the payload shape and ack id against the packet type, with the
    /// rules the text codec applies (see ``SocketIOProtocolError/invalidPayload(_:)``).
    ///
    /// Why public: another wire format (the msgpack parser) must accept and
    /// produce exactly the packets this codec does, so that the server above
    /// sees the same packets whichever parser a client uses.
    ///
    /// ```swift
    /// try SocketIOPacket(type: .ack, data: []).validate()   // throws .invalidAckID
    /// ```
    public func validate() throws(SocketIOProtocolError) {
        try Self.validate(type: self.type, ackID: self.ackID, data: self.data)
    }
}
