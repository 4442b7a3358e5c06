import NIOCore
import SocketIOCore

/// What a caller's ack gets: the server's answer or why there is none.
typealias AckHandler = (Result<[JSONValue], SocketIOClientError>) -> Void

/// An ack waiting for the server, with its timeout.
struct PendingAck {
    let handler: AckHandler
    var timer: Scheduled<Void>?
}

/// An emit made while disconnected.
struct BufferedPacket {
    var packet: SocketIOPacket
    var compress: Bool
}

/// Flags of one emit (the JavaScript client's `socket.flags`).
struct EmitFlags: Sendable, Hashable {
    /// Dropped unless the socket is connected and the transport writable.
    var volatile = false
    /// permessage-deflate allowed for this packet.
    var compress = true
    /// Ack timeout for this emit (overrides `ackTimeout`).
    var timeout: TimeAmount?
    /// Sent by the retry queue (not queued again).
    var fromQueue = false
}

extension SocketCore {
    /// Event names a socket may not emit (they name the socket's own events).
    static let reservedEvents: Set<String> = [
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    ]

    /// Emits an event, the JavaScript client's way:
    /// - with `retries`, through the retry queue (unless volatile);
    /// - connected: sent now;
    /// - volatile and not connected (or the transport busy): dropped;
    /// - otherwise buffered until the connection (bounded: refused when full).
    ///
    /// Returns the ack id the packet asks for (nil without `ack`, or when
    /// the emit went to the retry queue).
    @discardableResult
    func emit(_ name: String, _ arguments: [JSONValue], flags: EmitFlags, ack: AckHandler?) -> UInt64? {
        guard !Self.reservedEvents.contains(name) else {
            logger.error("emit of a reserved event name refused", metadata: ["event": "\(name)"])
            ack?(.failure(.reserved(name)))
            return nil
        }
        if options.retries > 0, !flags.fromQueue, !flags.volatile {
            enqueue(name, arguments, flags: flags, ack: ack)
            return nil
        }
        var packet = SocketIOPacket.event(name, arguments, namespace: namespace)
        if let ack {
            let id = nextAckID
            nextAckID &+= 1
            packet.ackID = id
            register(ack, id: id, timeout: flags.timeout ?? options.ackTimeout.map(TimeAmount.init))
        }
        if flags.volatile {
            guard isConnected, manager?.isEngineWritable == true else {
                if let id = packet.ackID { failAck(id, .socketDisconnected) }
                return packet.ackID
            }
        }
        if isConnected {
            notifyOutgoing(packet)
            manager?.send(packet, compress: flags.compress)
        } else if sendBuffer.count < bufferLimit {
            sendBuffer.append(BufferedPacket(packet: packet, compress: flags.compress))
        } else {
            logger.warning("send buffer full; emit refused", metadata: ["nsp": "\(namespace)", "event": "\(name)"])
            if let id = packet.ackID { failAck(id, .bufferFull("send buffer")) }
        }
        return packet.ackID
    }

    func notifyOutgoing(_ packet: SocketIOPacket) {
        guard !listeners.anyOutgoing.isEmpty, let name = packet.eventName else { return }
        let event = OutgoingEvent(name: name, arguments: Array(packet.arguments))
        listeners.anyOutgoing.dequeueForFiring().callListeners(with: event)
    }

    // MARK: - Acks

    private func register(_ handler: @escaping AckHandler, id: UInt64, timeout: TimeAmount?) {
        var pending = PendingAck(handler: handler, timer: nil)
        if let timeout {
            pending.timer = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                guard let expired = acks.removeValue(forKey: id) else { return }
                sendBuffer.removeAll { $0.packet.ackID == id }
                expired.handler(.failure(.ackTimedOut))
            }
        }
        acks[id] = pending
    }

    private func failAck(_ id: UInt64, _ error: SocketIOClientError) {
        guard let pending = acks.removeValue(forKey: id) else { return }
        pending.timer?.cancel()
        pending.handler(.failure(error))
    }

    /// On disconnection: every ack still awaited fails with "socket has been
    /// disconnected", except those of emits still in the send buffer (they
    /// are sent on reconnection).
    func clearAcks() {
        guard !acks.isEmpty else { return }
        let buffered = Set(sendBuffer.compactMap(\.packet.ackID))
        let failing = acks.filter { !buffered.contains($0.key) }.sorted { $0.key < $1.key }
        for (id, _) in failing { failAck(id, .socketDisconnected) }
    }

    // MARK: - Retry queue

    private func enqueue(_ name: String, _ arguments: [JSONValue], flags: EmitFlags, ack: AckHandler?) {
        guard let seq = retryQueue.enqueue(name: name, arguments: arguments, flags: flags) else {
            logger.warning("retry queue full; emit refused", metadata: ["nsp": "\(namespace)", "event": "\(name)"])
            ack?(.failure(.bufferFull("retry queue")))
            return
        }
        if let ack { queuedAcks[seq] = ack }
        drainQueue(force: false)
    }

    /// Sends the head of the retry queue when connected and not in flight
    /// (or again, when `force`d after a reconnection).
    func drainQueue(force: Bool) {
        guard isConnected, let entry = retryQueue.nextTry(force: force) else { return }
        var flags = entry.flags
        flags.fromQueue = true
        let seq = entry.seq
        let id = emit(entry.name, entry.arguments, flags: flags) { [self] result in
            queuedTryEnded(seq: seq, result: result)
        }
        if let id { retryQueue.sent(seq: seq, ackID: id) }
    }

    /// An answer for an ack no longer awaited: if it answers a try of the
    /// queue's head that timed out, the emit is delivered all the same (see
    /// ``RetryQueue``); otherwise it is ignored.
    func lateAnswer(ackID: UInt64, arguments: [JSONValue]) {
        guard let seq = retryQueue.headTry(ackID: ackID) else { return }
        queuedTryEnded(seq: seq, result: .success(arguments))
    }

    private func queuedTryEnded(seq: UInt64, result: Result<[JSONValue], SocketIOClientError>) {
        let failed: Bool
        if case .failure = result { failed = true } else { failed = false }
        let tries = retryQueue.entries.first?.tryAckIDs ?? []
        switch retryQueue.acknowledge(seq: seq, failed: failed, retries: options.retries) {
        case .stale:
            return
        case .delivered, .exhausted:
            // A try still awaited (answered late, the one before it
            // delivered) no longer matters: no timeout, no answer expected.
            for id in tries { acks.removeValue(forKey: id)?.timer?.cancel() }
            queuedAcks.removeValue(forKey: seq)?(result)
        case .retry:
            break
        }
        drainQueue(force: false)
    }
}
