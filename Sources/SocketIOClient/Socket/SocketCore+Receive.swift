import NIOCore
import SocketIOCore

// Packets of this socket's namespace, routed here by the manager.

extension SocketCore {
    /// The message the JavaScript client gives when a CONNECT answer has no
    /// `sid` (a Socket.IO v2 server).
    static let incompatibleServerMessage =
        "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible"
        + " (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)"

    func receive(_ packet: SocketIOPacket) {
        guard isActive else { return }
        switch packet.type {
        case .connect:
            guard case .string(let id)? = packet.data?["sid"] else {
                return reportConnectError(SocketIOClientError(code: .refused, message: Self.incompatibleServerMessage))
            }
            onConnect(id: id, pid: packet.data?["pid"]?.stringValue)
        case .event, .binaryEvent:
            if isConnected {
                dispatch(packet)
            } else if receiveBuffer.count < bufferLimit {
                receiveBuffer.append(packet)
            } else {
                logger.warning("receive buffer full; dropped an event that arrived before CONNECT", metadata: ["nsp": "\(namespace)"])
            }
        case .ack, .binaryAck:
            guard let id = packet.ackID else { return }
            if let pending = acks.removeValue(forKey: id) {
                pending.timer?.cancel()
                pending.handler(.success(Array(packet.arguments)))
            } else {
                lateAnswer(ackID: id, arguments: Array(packet.arguments))
            }
        case .disconnect:
            destroy()
            onClose(.ioServerDisconnect)
        case .connectError:
            destroy()
            reportConnectError(Self.refusal(packet.data))
        }
    }

    /// The error of a CONNECT_ERROR: `{"message": .., "data": ..}`, or a
    /// bare string from older servers.
    static func refusal(_ data: JSONValue?) -> SocketIOClientError {
        switch data {
        case .object(let object)?:
            return SocketIOClientError(
                code: .refused,
                message: object["message"]?.stringValue ?? "\(object)",
                data: object["data"]
            )
        case .string(let message)?:
            return SocketIOClientError(code: .refused, message: message)
        default:
            return SocketIOClientError(code: .refused, message: "connection refused")
        }
    }

    /// Calls the listeners of an event: catch-all ones first, then those of
    /// its name; then streams.
    func dispatch(_ packet: SocketIOPacket) {
        var arguments = Array(packet.arguments)
        recovery.takeOffset(from: &arguments, hasAckID: packet.ackID != nil)
        let name: String
        switch packet.data?[0] {
        case .string(let text)?: name = text
        case let other?: name = other.description
        case nil: return
        }
        let ack = packet.ackID.map {
            Acknowledgement(socket: NIOLoopBound(self, eventLoop: loop), id: $0, generation: sessionGeneration)
        }
        let event = ReceivedEvent(name: name, arguments: arguments, ack: ack)
        listeners.any.dequeueForFiring().callListeners(with: event)
        listeners.dequeueNamed(name).callListeners(with: event)
        publish(.event(event))
    }

    /// Answers the server's event `id`, unless the socket left the session
    /// the question came from.
    func sendAck(id: UInt64, arguments: [JSONValue], generation: UInt64) {
        guard isConnected, generation == sessionGeneration else { return }
        manager?.send(.ack(arguments, ackID: id, namespace: namespace), compress: true)
    }

    /// On connection: events that arrived early go to the listeners, emits
    /// made while disconnected go to the server, in order.
    func emitBuffered() {
        let received = receiveBuffer
        receiveBuffer.removeAll()
        for packet in received { dispatch(packet) }
        let toSend = sendBuffer
        sendBuffer.removeAll()
        for buffered in toSend {
            notifyOutgoing(buffered.packet)
            manager?.send(buffered.packet, compress: buffered.compress)
        }
    }
}
