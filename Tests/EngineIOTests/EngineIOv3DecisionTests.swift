import NIOCore
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// The v3 decisions of the pure layer, without I/O: the client-ping
/// heartbeat, and what the session machine makes of heartbeat packets and
/// of its polling payloads.
@Suite struct ClientPingHeartbeatTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let interval = TimeAmount.milliseconds(300)
    let timeout = TimeAmount.milliseconds(200)

    @Test func theSessionWaitsPingIntervalPlusPingTimeoutForAPing() {
        var heartbeat = EngineIOClientPingHeartbeat(pingInterval: interval, pingTimeout: timeout)
        #expect(heartbeat.start(now: start) == .schedule(at: start + .milliseconds(500), generation: 0))
        #expect(!heartbeat.hasTimedOut(at: start + .milliseconds(499)))
        #expect(heartbeat.hasTimedOut(at: start + .milliseconds(500)))
        #expect(heartbeat.timerFired(generation: 0, now: start + .milliseconds(500)) == .timedOut)
    }

    @Test func aPingMovesTheDeadlineWithoutTouchingTheTimer() {
        var heartbeat = EngineIOClientPingHeartbeat(pingInterval: interval, pingTimeout: timeout)
        _ = heartbeat.start(now: start)
        #expect(heartbeat.pingReceived(now: start + .milliseconds(300)) == .none, "no timer is cancelled or armed")
        #expect(heartbeat.deadline == start + .milliseconds(800))
        // The timer armed at the start fires early: it is armed again for the deadline.
        #expect(heartbeat.timerFired(generation: 0, now: start + .milliseconds(500)) == .schedule(at: start + .milliseconds(800), generation: 0))
        #expect(heartbeat.pingReceived(now: start + .milliseconds(600)) == .none)
        #expect(heartbeat.timerFired(generation: 0, now: start + .milliseconds(800)) == .schedule(at: start + .milliseconds(1100), generation: 0))
        #expect(heartbeat.timerFired(generation: 0, now: start + .milliseconds(1100)) == .timedOut)
    }

    @Test func pingsEveryIntervalKeepTheSessionAliveIndefinitely() {
        var heartbeat = EngineIOClientPingHeartbeat(pingInterval: interval, pingTimeout: timeout)
        var next = heartbeat.start(now: start)
        var now = start
        for _ in 0..<20 {
            now = now + interval
            _ = heartbeat.pingReceived(now: now)
            if case .schedule(let due, _) = next, due <= now {
                next = heartbeat.timerFired(generation: 0, now: due)
                #expect(next != .timedOut)
            }
        }
        #expect(!heartbeat.hasTimedOut(at: now + .milliseconds(499)))
    }

    @Test func theSessionHeartbeatForwardsEachRevisionsOwnSignal() {
        var v3 = EngineIOSessionHeartbeat(version: .v3, pingInterval: interval, pingTimeout: timeout)
        #expect(v3.start(now: start) == .schedule(at: start + .milliseconds(500), generation: 0))
        #expect(v3.pongReceived(now: start + .milliseconds(100)) == .none)
        #expect(v3.hasTimedOut(at: start + .milliseconds(500)), "a pong is no sign of life in v3")
        _ = v3.pingReceived(now: start + .milliseconds(100))
        #expect(!v3.hasTimedOut(at: start + .milliseconds(500)))

        var v4 = EngineIOSessionHeartbeat(version: .v4, pingInterval: interval, pingTimeout: timeout)
        #expect(v4.start(now: start) == .schedule(at: start + interval, generation: 0))
        #expect(v4.pingReceived(now: start + .milliseconds(100)) == .none)
        #expect(v4.timerFired(generation: 0, now: start + interval) == .sendPing(thenScheduleAt: start + .milliseconds(500), generation: 0))
    }
}

/// A transport of the tests: only its identity matters to the machine.
private struct FakeTransport: EngineIOSessionTransport {
    let connection: ObjectIdentifier
}

private final class Tag {}

@Suite struct SessionMachineV3Tests {
    fileprivate typealias Machine = EngineIOSessionStateMachine<FakeTransport, FakeTransport>
    let open = EngineIOOutboundPacket(packet: EngineIOPacket(type: .open, text: "{}"))

    @Test func heartbeatDirectionsDependOnTheRevision() {
        var v3 = Machine(pollingWithOpen: open, maxBufferedBytes: 1 << 20, format: .v3(binary: true))
        guard case .ping = v3.received(EngineIOPacket(type: .ping), from: .polling) else { Issue.record("v3 ping"); return }
        guard case .close(.transportError) = v3.received(EngineIOPacket(type: .pong), from: .polling) else { Issue.record("v3 pong"); return }

        var v4 = Machine(pollingWithOpen: open, maxBufferedBytes: 1 << 20)
        guard case .pong = v4.received(EngineIOPacket(type: .pong), from: .polling) else { Issue.record("v4 pong"); return }
        guard case .close(.transportError) = v4.received(EngineIOPacket(type: .ping), from: .polling) else { Issue.record("v4 ping"); return }

        let socket = FakeTransport(connection: ObjectIdentifier(Tag()))
        var ws = Machine(webSocket: socket, maxBufferedBytes: 1 << 20, version: .v3)
        guard case .ping = ws.received(EngineIOPacket(type: .ping), from: .webSocket(socket.connection)) else { Issue.record("v3 ws ping"); return }
        #expect(ws.version == .v3)
    }

    @Test func aHeldGetGetsTheV3PayloadFormat() {
        var machine = Machine(pollingWithOpen: open, maxBufferedBytes: 1 << 20, format: .v3(binary: true))
        let tag = Tag()
        let poll = FakeTransport(connection: ObjectIdentifier(tag))
        guard case .answer(_, .payload(let first))? = machine.pollArrived(poll).first else { Issue.record("open"); return }
        #expect(String(buffer: first.bytes) == "3:0{}")
        #expect(machine.pollArrived(poll).isEmpty, "held")
        _ = machine.send(EngineIOOutboundPacket(text: "a"), volatile: false)
        _ = machine.send(EngineIOOutboundPacket(binary: ByteBuffer(bytes: [7])), volatile: false)
        guard let (_, body) = machine.answerHeldPoll() else { Issue.record("answer"); return }
        #expect(body == EngineIOPollingBody(bytes: ByteBuffer(bytes: [0, 2, 0xFF, 0x34, 0x61, 1, 2, 0xFF, 4, 7]), isBinary: true))
        #expect(machine.pollArrived(poll).isEmpty)
        guard case .answer(_, .payload(let closing))? = machine.close(.forcedClose).first else { Issue.record("close"); return }
        #expect(String(buffer: closing.bytes) == "1:1", "the close packet, length-prefixed")
    }
}
