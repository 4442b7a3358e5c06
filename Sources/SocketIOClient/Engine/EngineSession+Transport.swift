import EngineIOCore
import NIOCore

// What the transports report, and the upgrade they take part in. A callback
// from a transport that is neither the active one nor the probe (a transport
// already replaced or closed) is ignored.

extension EngineSession: EngineTransportDelegate {
    func transportDidOpen(_ transport: any EngineTransport) {
        if transport === probe {
            perform(upgrade.probeOpened())
        }
        // The active transport is open once the OPEN packet arrives.
    }

    func transport(_ transport: any EngineTransport, didReceive packet: EngineIOPacket) {
        if transport === probe {
            let isAnswer = packet.type == .pong && !packet.isBinary && packet.data == Self.probeData
            perform(upgrade.probeReceived(isProbeAnswer: isAnswer))
        } else if transport === active {
            handle(packet)
        }
    }

    func transportDidDrain(_ transport: any EngineTransport) {
        guard transport === active else { return }
        flush()
    }

    func transport(_ transport: any EngineTransport, didFail failure: TransportFailure) {
        if transport === probe {
            logger.debug("upgrade probe failed", metadata: ["error": "\(failure)"])
            perform(upgrade.probeFailed("\(failure)"))
        } else if transport === active {
            fail(failure)
        }
    }

    func transportDidClose(_ transport: any EngineTransport) {
        if transport === probe {
            perform(upgrade.probeFailed("probe closed"))
        } else if transport === active {
            if readyState == .opening {
                failOpen(.protocolViolation("connection closed before the handshake"))
            } else {
                fail(nil, reason: .transportClose)
            }
        }
    }

    // MARK: - Upgrade

    static let probeData = ByteBuffer(string: "probe")

    func perform(_ action: UpgradeStateMachine.Action) {
        switch action {
        case .none:
            return
        case .openProbe:
            guard let sid = handshake?.sid else { return }
            let candidate = makeTransport(.websocket, sid: sid)
            probe = candidate
            logger.debug("upgrade: probing websocket", metadata: ["sid": "\(sid)"])
            candidate.open()
        case .sendProbePing:
            probe?.send([OutgoingEnginePacket(packet: EngineIOPacket(type: .ping, data: Self.probeData), compress: false)])
        case .pausePolling:
            active?.pause { [self] in
                perform(upgrade.pollingPaused())
            }
        case .switchToProbe:
            guard readyState == .open, let upgraded = probe else { return }
            upgraded.send([OutgoingEnginePacket(packet: EngineIOPacket(type: .upgrade), compress: false)])
            let retired = active
            active = upgraded
            probe = nil
            retired?.close(.silently)
            logger.debug("upgrade: now on websocket")
            delegate?.engine(self, didUpgradeTo: upgraded.kind)
            flush()
        case .abandonProbe(let resumePolling):
            probe?.close(.silently)
            probe = nil
            if resumePolling {
                active?.resume()
                flush()
            }
        }
    }
}
