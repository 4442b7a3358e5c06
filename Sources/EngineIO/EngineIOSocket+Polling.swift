import NIOCore
import NIOHTTP1
import EngineIOCore
import DequeModule

/// The long-polling side of a session: packets wait in a queue until the
/// client's GET takes them; one GET may be held open at a time. It also
/// holds an upgrade in progress.
///
/// A class, created on first use: a session opened directly over WebSocket
/// never pays for it.
final class PollingState {
    var queue = Deque<EngineIOOutboundPacket>()
    var queuedBytes = 0
    var pendingPoll: PollReply?
    var flushScheduled = false
    /// The WebSocket being probed during an upgrade.
    var probe: WebSocketOutput?
    var upgradeTimer: Scheduled<Void>?
}

extension EngineIOSocket {
    /// Queues a packet for the next GET and answers a held GET soon.
    @discardableResult
    func enqueuePolling(_ packet: EngineIOOutboundPacket, volatile: Bool) -> Bool {
        // As in the reference: a volatile packet goes only to a client whose GET is waiting.
        if volatile && polling.pendingPoll == nil { return false }
        if polling.queuedBytes + packet.packet.data.readableBytes > configuration.maxBufferedBytesPerSession {
            if volatile { return false }
            logger.info("engine.io polling backlog over limit", metadata: ["sid": "\(id)"])
            close(reason: .transportError)
            return false
        }
        polling.queue.append(packet)
        polling.queuedBytes += packet.packet.data.readableBytes
        schedulePollFlush()
        return true
    }

    /// Answers the held GET at the end of this turn of the loop, so packets
    /// sent together leave in one response.
    private func schedulePollFlush() {
        guard polling.pendingPoll != nil, !polling.flushScheduled else { return }
        polling.flushScheduled = true
        // Strong capture: the task runs this turn. (A weak reference would
        // give the session a side table and slow every retain of it.)
        eventLoop.assumeIsolated().execute { [self] in
            polling.flushScheduled = false
            if phase == .open, websocket == nil { flushPoll() }
        }
    }

    /// Answers the held GET with everything queued, if anything is.
    private func flushPoll() {
        guard let reply = polling.pendingPoll, !polling.queue.isEmpty else { return }
        polling.pendingPoll = nil
        reply.respond(server.pollingResponse(payload: takeQueuedPayload(), for: reply))
    }

    func takeQueuedPayload() -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(polling.queuedBytes + polling.queue.count * 2)
        var first = true
        while let packet = polling.queue.popFirst() {
            EngineIOPayload.append(packet.packet, isFirst: first, to: &body)
            first = false
        }
        polling.queuedBytes = 0
        return body
    }

    /// A GET for this session.
    func handlePoll(_ reply: PollReply) {
        guard phase == .open, websocket == nil else {
            reply.respond(.error(.badRequest))
            return
        }
        if polling.pendingPoll != nil {
            // A second concurrent GET: the reference closes the session.
            reply.respond(.error(.badRequest))
            close(reason: .transportError)
            return
        }
        if !polling.queue.isEmpty {
            reply.respond(server.pollingResponse(payload: takeQueuedPayload(), for: reply))
        } else if probe != nil {
            // Upgrading: release the poll at once so the client can pause polling.
            reply.respond(.payload(ByteBuffer(string: "6")))
        } else {
            polling.pendingPoll = reply
        }
    }

    /// A POST body for this session.
    func handlePost(_ body: ByteBuffer, reply: PollReply) {
        guard phase == .open, websocket == nil else {
            reply.respond(.error(.badRequest))
            return
        }
        let packets: [EngineIOPacket]
        do {
            packets = try EngineIOPayload.decode(body, maxPackets: configuration.maxPacketsPerPayload)
        } catch {
            reply.respond(.error(.badRequest))
            close(reason: .parseError)
            return
        }
        for packet in packets {
            receive(packet)
            if phase != .open { break }
        }
        reply.respond(.ok)
    }

    /// The connection of the held GET went away before it was answered.
    func pollAborted(connection: ObjectIdentifier) {
        guard let pending = polling.pendingPoll, pending.connection == connection else { return }
        polling.pendingPoll = nil
        close(reason: .transportError)
    }

    /// What closing does to a polling session. When the client asked to
    /// close, a held GET gets a noop. Otherwise the client gets what was
    /// still queued for it (a Socket.IO DISCONNECT, say) and then the close
    /// packet: in the held GET, or, when the server closes and no GET is
    /// held, in the next GET for the sid (the shard keeps that answer for a
    /// while), as the reference server does.
    func closePolling(reason: EngineIOCloseReason) {
        if reason == .transportClose {
            guard let reply = polling.pendingPoll else { return }
            polling.pendingPoll = nil
            reply.respond(.payload(ByteBuffer(string: "6")))
            return
        }
        var payload = polling.queue.isEmpty ? ByteBuffer() : takeQueuedPayload()
        EngineIOPayload.append(EngineIOPacket(type: .close), isFirst: payload.readableBytes == 0, to: &payload)
        if let reply = polling.pendingPoll {
            polling.pendingPoll = nil
            reply.respond(server.pollingResponse(payload: payload, for: reply))
        } else if reason == .forcedClose || reason == .serverShuttingDown {
            shard.keepClosingAnswer(payload, for: id, for: configuration.pingInterval + configuration.pingTimeout)
        }
    }

    /// Releases a held GET with a noop (upgrade in progress).
    func releasePendingPoll() {
        guard let reply = polling.pendingPoll else { return }
        polling.pendingPoll = nil
        if polling.queue.isEmpty {
            reply.respond(.payload(ByteBuffer(string: "6")))
        } else {
            reply.respond(server.pollingResponse(payload: takeQueuedPayload(), for: reply))
        }
    }
}
