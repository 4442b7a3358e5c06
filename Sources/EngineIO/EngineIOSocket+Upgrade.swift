import NIOCore
import EngineIOCore

/// The switch from polling to WebSocket (Engine.IO v4):
/// 1. the client opens a WebSocket with the session's sid and sends `2probe`;
/// 2. the server answers `3probe` and releases any held GET with a noop,
///    while packets still go out by polling;
/// 3. the client sends `5` (upgrade): from then on everything goes over the
///    WebSocket, starting with what polling had not delivered, so nothing is
///    lost or reordered; polling requests for the sid are refused.
extension EngineIOSocket {
    /// Whether a WebSocket with this sid may start an upgrade now.
    var canStartUpgrade: Bool {
        phase == .open && websocket == nil && probe == nil && configuration.allowUpgrades
            && configuration.transports.contains(.websocket)
    }

    /// A WebSocket carrying this sid is open and may send the probe.
    func attachProbe(_ output: WebSocketOutput) -> Bool {
        guard canStartUpgrade else { return false }
        probe = output
        upgradeTimer = eventLoop.assumeIsolated().scheduleTask(in: configuration.upgradeTimeout) { [self] in
            abandonUpgrade()
        }
        return true
    }

    /// A packet arrived on a WebSocket connection of this session: the
    /// active transport, or the one being probed.
    func receive(_ packet: EngineIOPacket, from connection: ObjectIdentifier) {
        guard phase == .open else { return }
        if let websocket, websocket.identity == connection {
            receive(packet)
            return
        }
        guard let probe, probe.identity == connection else { return }
        switch packet.type {
        case .ping where !packet.isBinary && String(buffer: packet.data) == "probe":
            probe.write(EngineIOOutboundPacket(packet: EngineIOPacket(type: .pong, text: "probe")))
            releasePendingPoll()
        case .upgrade:
            completeUpgrade(probe)
        default:
            // Anything else on a probing transport aborts the upgrade.
            abandonUpgrade()
        }
    }

    private func completeUpgrade(_ output: WebSocketOutput) {
        upgradeTimer?.cancel()
        upgradeTimer = nil
        probe = nil
        websocket = output.boundToSession(on: eventLoop)
        releasePendingPollForUpgrade()
        while let packet = polling.queue.popFirst() {
            output.write(packet)
        }
        polling.queuedBytes = 0
        // Tells the client the switch is done (the reference sends it too).
        output.write(EngineIOOutboundPacket(packet: EngineIOPacket(type: .noop)))
        onUpgrade?()
    }

    private func releasePendingPollForUpgrade() {
        guard let reply = polling.pendingPoll else { return }
        polling.pendingPoll = nil
        reply.respond(.payload(ByteBuffer(string: "6")))
    }

    /// Drops the probing transport; the session goes on polling.
    func abandonUpgrade() {
        upgradeTimer?.cancel()
        upgradeTimer = nil
        guard let probe else { return }
        self.probe = nil
        probe.detach()
        probe.close(code: 1000)
    }

    /// A WebSocket connection of this session closed or failed.
    func webSocketClosed(_ connection: ObjectIdentifier, error: Bool) {
        guard phase == .open else { return }
        if let probe, probe.identity == connection {
            self.probe = nil
            upgradeTimer?.cancel()
            upgradeTimer = nil
            return
        }
        if let websocket, websocket.identity == connection {
            close(reason: error ? .transportError : .transportClose)
        }
    }

    /// A WebSocket message that is not an Engine.IO packet.
    func webSocketParseError(_ connection: ObjectIdentifier) {
        if let probe, probe.identity == connection {
            abandonUpgrade()
        } else if websocket?.identity == connection {
            close(reason: .parseError)
        }
    }
}
