public import NIOCore
public import SocketIOCore
public import SocketIOAdapter

/// An acknowledgement the socket waits for.
struct PendingAck {
    let handler: (Result<[JSONValue], SocketIOAckError>) -> Void

    func fail(_ error: SocketIOAckError) {
        handler(.failure(error))
    }
}

extension SocketIOSocket {
    /// Sends an event to this client.
    ///
    /// ```swift
    /// socket.emit("hello", "world", 42, .binary(ByteBuffer(bytes: [1, 2, 3])))
    /// ```
    public func emit(_ event: String, _ arguments: JSONValue...) {
        emit(event, arguments, flags: BroadcastFlags(), ack: nil)
    }

    /// Sends an event with these arguments.
    public func emit(_ event: String, arguments: [JSONValue]) {
        emit(event, arguments, flags: BroadcastFlags(), ack: nil)
    }

    /// Sends an event and calls `ack` with the client's answer (no timeout:
    /// it waits until the client answers or disconnects).
    public func emit(_ event: String, arguments: [JSONValue], ack: @escaping (Result<[JSONValue], SocketIOAckError>) -> Void) {
        emit(event, arguments, flags: BroadcastFlags(), ack: ack)
    }

    /// Sends an event whose one argument is a `Codable` value.
    public func emit<Payload: Encodable>(_ event: String, payload: Payload) throws {
        emit(event, [try JSONValueEncoder().encode(payload)], flags: BroadcastFlags(), ack: nil)
    }

    /// Flags for the next emit: `socket.volatile.emit(...)`.
    public var volatile: SocketIOEmitter { SocketIOEmitter(socket: self, flags: BroadcastFlags(volatile: true)) }

    /// `socket.compress(false).emit(...)`: the per-message compression switch.
    public func compress(_ compress: Bool) -> SocketIOEmitter {
        SocketIOEmitter(socket: self, flags: BroadcastFlags(compress: compress))
    }

    /// `socket.timeout(.seconds(2)).emit(..., ack:)`: the ack fails with
    /// ``SocketIOAckError/timeout`` when the client does not answer in time.
    public func timeout(_ timeout: TimeAmount) -> SocketIOEmitter {
        SocketIOEmitter(socket: self, flags: BroadcastFlags(timeout: timeout))
    }

    /// A broadcast to `rooms`, this socket excluded.
    public func to(_ rooms: RoomName...) -> BroadcastOperator { broadcast.to(rooms) }
    /// A broadcast to `rooms`, this socket excluded (alias of ``to(_:)``).
    public func `in`(_ rooms: RoomName...) -> BroadcastOperator { broadcast.to(rooms) }
    /// A broadcast to every socket of the namespace but those in `rooms` and this one.
    public func except(_ rooms: RoomName...) -> BroadcastOperator { broadcast.except(rooms) }
    /// A broadcast to every other socket of the namespace.
    public var broadcast: BroadcastOperator { namespace.broadcastOperator.except(id) }

    func emit(_ event: String, _ arguments: [JSONValue], flags: BroadcastFlags, ack: ((Result<[JSONValue], SocketIOAckError>) -> Void)?) {
        guard isConnected else {
            ack?(.failure(.disconnected))
            return
        }
        var packet = SocketIOPacket.event(event, arguments, namespace: namespace.name)
        if let ack {
            let ackID = namespace.nextAckID()
            packet.ackID = ackID
            let pending = PendingAck(handler: ack)
            if let timeout = flags.timeout {
                // Never cancelled (that scans the loop's timer queue): when it
                // fires, an answered ack is simply gone.
                eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                    acks.removeValue(forKey: ackID)?.handler(.failure(.timeout))
                }
            }
            acks[ackID] = pending
        } else if connection.server.configuration.connectionStateRecovery != nil, !flags.volatile {
            // Through the adapter, so the packet gets an offset and is kept
            // for the client's recovery.
            namespace.adapter.broadcast(packet, options: BroadcastOptions(rooms: [id], flags: flags))
            return
        }
        notifyOutgoing(packet)
        connection.write(connection.server.encoding.encode(packet, compress: flags.compress && connection.engine.usesCompressedFrames), volatile: flags.volatile)
    }

    /// An ACK packet arrived.
    func receivedAck(_ packet: SocketIOPacket) {
        guard let id = packet.ackID, let pending = acks.removeValue(forKey: id) else {
            logger.debug("ack for no pending emit ignored", metadata: ["socket": "\(self.id)"])
            return
        }
        pending.handler(.success(Array(packet.arguments)))
    }
}

/// Flags for one emit from a socket (see ``SocketIOSocket/volatile``,
/// ``SocketIOSocket/compress(_:)``, ``SocketIOSocket/timeout(_:)``); each
/// modifier returns a new value.
public struct SocketIOEmitter {
    let socket: SocketIOSocket
    var flags: BroadcastFlags

    /// Adds the volatile flag.
    public var volatile: SocketIOEmitter { var copy = self; copy.flags.volatile = true; return copy }
    /// Sets compression.
    public func compress(_ compress: Bool) -> SocketIOEmitter { var copy = self; copy.flags.compress = compress; return copy }
    /// Sets the ack timeout.
    public func timeout(_ timeout: TimeAmount) -> SocketIOEmitter { var copy = self; copy.flags.timeout = timeout; return copy }

    /// Sends an event.
    public func emit(_ event: String, _ arguments: JSONValue...) {
        socket.emit(event, arguments, flags: flags, ack: nil)
    }

    /// Sends an event and waits for the answer.
    public func emit(_ event: String, arguments: [JSONValue], ack: @escaping (Result<[JSONValue], SocketIOAckError>) -> Void) {
        socket.emit(event, arguments, flags: flags, ack: ack)
    }
}
