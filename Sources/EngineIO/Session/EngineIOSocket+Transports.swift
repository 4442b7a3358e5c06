import NIOCore
import EngineIOCore

/// What reaches a session from its transports, fed to its state machine,
/// and the machine's actions carried out. Every entry point runs on the
/// session's loop, in the order the server read the requests.
extension EngineIOSocket {
    /// How long a session the client closed over polling still releases a
    /// GET that was in flight (read after the close): requests racing on two
    /// connections arrive within milliseconds; a second is far beyond any
    /// such race and keeps the memory of closed sessions small.
    static let clientCloseGrace = TimeAmount.seconds(1)

    /// How long a GET held during the probe waits for the `5` before a noop
    /// releases it (the reference's check interval).
    static let probeNoopDelay = TimeAmount.milliseconds(100)

    /// A GET for this session.
    func handlePoll(_ reply: PollReply) {
        applyHeartbeatDeadline()
        perform(state.pollArrived(reply))
    }

    /// A POST body for this session.
    func handlePost(_ body: ByteBuffer, reply: PollReply) {
        applyHeartbeatDeadline()
        if let refusal = state.postArrived() {
            reply.respond(response(to: refusal, for: reply))
            return
        }
        let packets: [EngineIOPacket]
        do {
            packets = try state.pollingFormat.decode(
                body, octetStream: reply.isOctetStream, maxPackets: configuration.maxPacketsPerPayload
            )
        } catch {
            reply.respond(.error(.badRequest))
            close(reason: .parseError)
            return
        }
        for packet in packets {
            receive(packet, from: .polling)
            if !state.isOpen { break }
        }
        reply.respond(.ok)
    }

    /// The connection of a held GET went away before it was answered.
    func pollAborted(connection: ObjectIdentifier) {
        if state.pollAborted(connection: connection) { close(reason: .transportError) }
    }

    /// Whether a WebSocket with this sid may start an upgrade now.
    var canStartUpgrade: Bool {
        state.canStartUpgrade && configuration.allowUpgrades && configuration.transports.contains(.websocket)
    }

    /// A WebSocket carrying this sid is open: it becomes the probe, or is
    /// closed when the session cannot upgrade now.
    func attachProbe(_ output: WebSocketOutput) {
        let bound = output.boundToSession(on: eventLoop)
        // A probe must speak the session's revision: its frames are read
        // and written by it.
        guard configuration.allowUpgrades, configuration.transports.contains(.websocket), output.version == state.version else {
            perform([.closeWebSocket(bound, code: 1008)])
            return
        }
        // Upgrading, upgraded or closed: refused, maybe after the probe's answer.
        guard state.canStartUpgrade else { return perform(state.duplicateProbe(bound)) }
        bound.attach(NIOLoopBound(self, eventLoop: eventLoop), isActiveTransport: false)
        perform(state.probeOpened(bound))
    }

    /// A packet arrived on a transport of this session.
    func receive(_ packet: EngineIOPacket, from origin: EngineIOSessionStateMachine<WebSocketOutput, PollReply>.Origin) {
        shard.traffic.received(packet)
        switch state.received(packet, from: origin) {
        case .deliver(let message):
            if let observer {
                switch message {
                case .text(let data), .binary(let data): observer.messageReceived(self, bytes: data.readableBytes)
                }
            }
            if let delegate { delegate.engineSocket(self, received: message) } else { onMessage?(message) }
        case .pong:
            // Taken when it is read: a heartbeat read after its deadline
            // comes too late, even if the timer (which may run a little
            // late) has not fired yet; the reference's timers run first too.
            let now = eventLoop.now
            if heartbeat.hasTimedOut(at: now) { return close(reason: .pingTimeout) }
            apply(heartbeat.pongReceived(now: now))
        case .ping:
            let now = eventLoop.now
            if heartbeat.hasTimedOut(at: now) { return close(reason: .pingTimeout) }
            apply(heartbeat.pingReceived(now: now))
            sendControl(EngineIOPacket(type: .pong))
        case .close(let reason):
            close(reason: reason)
        case .ignore:
            break
        case .upgrade(let actions):
            perform(actions)
        }
    }

    /// A WebSocket connection of this session closed (`error`: it failed).
    func webSocketClosed(_ connection: ObjectIdentifier, error: Bool) {
        perform(state.webSocketClosed(connection: connection, error: error))
    }

    /// A WebSocket message that is not an Engine.IO packet.
    func webSocketParseError(_ connection: ObjectIdentifier) {
        perform(state.webSocketParseError(connection: connection))
    }

    // MARK: - Carrying out the machine's actions

    func perform(_ actions: [EngineIOSessionStateMachine<WebSocketOutput, PollReply>.Action]) {
        for action in actions {
            switch action {
            case .answer(let poll, let answer):
                poll.respond(response(to: answer, for: poll))
            case .write(let packet, let websocket):
                websocket.write(packet)
            case .closeWebSocket(let websocket, let code):
                websocket.detach()
                websocket.close(code: code)
            case .startUpgradeTimer:
                upgradeTimer = eventLoop.assumeIsolated().scheduleTask(in: configuration.upgradeTimeout) { [self] in
                    upgradeTimer = nil
                    perform(state.upgradeTimedOut())
                }
            case .startProbeNoopTimer:
                guard probeNoopTimer == nil else { continue }
                probeNoopTimer = eventLoop.assumeIsolated().scheduleTask(in: Self.probeNoopDelay) { [self] in
                    probeNoopTimer = nil
                    perform(state.probeNoopDue())
                }
            case .cancelUpgradeTimer:
                upgradeTimer?.cancel()
                upgradeTimer = nil
            case .becameWebSocket(let websocket):
                websocket.becameActiveTransport()
                observer?.sessionUpgraded(self)
                delegate?.engineSocketUpgraded(self)
                onUpgrade?()
            case .startDraining(let clientClosed):
                guard shard.keepDraining(self) else {
                    perform(state.drainingExpired())
                    continue
                }
                let lifetime = clientClosed ? Self.clientCloseGrace : configuration.pingInterval + configuration.pingTimeout
                drainTimer = eventLoop.assumeIsolated().scheduleTask(in: lifetime) { [self] in
                    drainTimer = nil
                    perform(state.drainingExpired())
                }
            case .finishDraining:
                drainTimer?.cancel()
                drainTimer = nil
                shard.forgetDraining(id)
            case .close(let reason):
                close(reason: reason)
            }
        }
        // WebSockets refused after the probe's answer, once it went out (or the upgrade ended).
        let due = state.refusalsDue()
        if !due.isEmpty { perform(due) }
    }

    private func response(to answer: EngineIOSessionStateMachine<WebSocketOutput, PollReply>.PollAnswer, for poll: PollReply) -> HTTPResponse {
        switch answer {
        case .payload(let payload): server.pollingResponse(payload, for: poll)
        case .noop: server.pollingResponse(Self.noopBody(state.pollingFormat), for: poll)
        case .ok: .ok
        case .error(let error): .error(error)
        }
    }

    /// A payload of one noop: `6` in v4, `1:6` in v3.
    private static func noopBody(_ format: EngineIOPollingFormat) -> EngineIOPollingBody {
        switch format {
        case .v4: EngineIOPollingBody(bytes: ByteBuffer(string: "6"), isBinary: false)
        case .v3: format.encode([EngineIOPacket(type: .noop)])
        }
    }
}

extension PollReply: EngineIOSessionTransport {}
