import NIOCore
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// The upgrade from polling to WebSocket, step by step; no I/O.
@Suite struct SessionStateMachineUpgradeTests {
    @Test func aProbeOpensOnlyOnAPollingSession() {
        let probe = FakeWebSocket("probe")
        var machine = pollingMachine()
        #expect(machine.canStartUpgrade)
        #expect(describe(machine.probeOpened(probe)) == ["start upgrade timer"])
        #expect(describe(machine) == "upgrading queue [] bytes 0 held none probe probe answered false")
        #expect(!machine.canStartUpgrade)
        #expect(machine.isOpen)
        #expect(machine.webSocket == nil, "still polling")

        // A second WebSocket while the probe is unanswered: refused once the
        // probe's `3probe` went out (the reference answers it first); the probe stays.
        #expect(machine.probeOpened(FakeWebSocket("second")).isEmpty)
        #expect(machine.refusalsDue().isEmpty)
        #expect(describe(machine) == "upgrading queue [] bytes 0 held none probe probe answered false")
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        #expect(describe(machine.refusalsDue()) == ["close second 1008"])
        #expect(machine.refusalsDue().isEmpty)
        // Once the probe is answered, another is refused at once.
        #expect(describe(machine.probeOpened(FakeWebSocket("third"))) == ["close third 1008"])
        #expect(describe(machine) == "upgrading queue [] bytes 0 held none probe probe answered true")
    }

    @Test func aWaitingRefusalGoesWhenTheUpgradeEndsAnyWay() {
        // Completed by `5` before `2probe` was seen answered.
        let probe = FakeWebSocket("probe")
        var upgraded = upgradingMachine(probe: probe)
        _ = upgraded.probeOpened(FakeWebSocket("second"))
        #expect(describe(upgraded.received(EngineIOPacket(type: .upgrade), from: .webSocket(probe.connection))) == "upgrade [\"cancel upgrade timer\", \"became websocket probe\"]")
        #expect(describe(upgraded.refusalsDue()) == ["close second 1008"])
        // Aborted by the upgrade timer.
        var timedOut = upgradingMachine(probe: FakeWebSocket("probe"))
        _ = timedOut.probeOpened(FakeWebSocket("second"))
        _ = timedOut.upgradeTimedOut()
        #expect(describe(timedOut.refusalsDue()) == ["close second 1008"])
        // The session closed.
        var closed = upgradingMachine(probe: FakeWebSocket("probe"))
        _ = closed.probeOpened(FakeWebSocket("second"))
        _ = closed.close(.pingTimeout)
        #expect(describe(closed.refusalsDue()) == ["close second 1008"])
    }

    @Test func atMostFourRefusalsWait() {
        var machine = upgradingMachine(probe: FakeWebSocket("probe"))
        for index in 1...4 { #expect(machine.probeOpened(FakeWebSocket("w\(index)")).isEmpty) }
        #expect(describe(machine.probeOpened(FakeWebSocket("w5"))) == ["close w5 1008"])
        _ = machine.upgradeTimedOut()
        #expect(describe(machine.refusalsDue()) == ["close w1 1008", "close w2 1008", "close w3 1008", "close w4 1008"])
    }

    @Test func aProbeForAnUpgradedDrainingOrClosedSessionIsClosed() {
        var websocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        #expect(!websocket.canStartUpgrade)
        #expect(describe(websocket.probeOpened(FakeWebSocket("late"))) == ["close late 1008"])
        #expect(describe(websocket) == "websocket ws")

        var draining = pollingMachine()
        _ = draining.close(.forcedClose)
        #expect(!draining.canStartUpgrade)
        #expect(describe(draining.probeOpened(FakeWebSocket("late"))) == ["close late 1008"])
        #expect(describe(draining) == "draining [] probe none clientClosed false")

        var closed = pollingMachine()
        _ = closed.close(.pingTimeout)
        #expect(!closed.canStartUpgrade)
        #expect(describe(closed.probeOpened(FakeWebSocket("late"))) == ["close late 1008"])
        #expect(describe(closed) == "closed")
    }

    @Test func theProbePingReleasesAHeldGETWithANoopShortlyAfter() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        // `3probe` is written by the connection itself: the machine writes
        // nothing on the probe; the held GET waits for the noop timer.
        #expect(describe(machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))) == "upgrade [\"start probe noop timer\"]")
        #expect(describe(machine) == "upgrading queue [] bytes 0 held get probe probe answered true")
        // A second probe ping is harmless (the timer is armed once).
        #expect(describe(machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))) == "upgrade [\"start probe noop timer\"]")
        #expect(describe(machine.probeNoopDue()) == ["answer get noop"])
        #expect(describe(machine) == "upgrading queue [] bytes 0 held none probe probe answered true")
    }

    @Test func upgradeMovesQueuedPacketsOntoTheWebSocketInOrder() {
        var machine = pollingMachine()
        _ = machine.send(message("1"), volatile: false)  // queued before the probe
        let probe = FakeWebSocket("probe")
        #expect(describe(machine.probeOpened(probe)) == ["start upgrade timer"])
        _ = machine.send(EngineIOOutboundPacket(binary: ByteBuffer(bytes: [9])), volatile: false)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.send(message("3"), volatile: false)
        #expect(describe(machine) == "upgrading queue [41,bCQ==,43] bytes 3 held none probe probe answered true")
        // Exactly: the timer, then the queue in order, then the switch; no
        // noop on the WebSocket (the reference never writes one there).
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == """
            upgrade ["cancel upgrade timer", "write 41 on probe", "write bCQ== on probe", "write 43 on probe", "became websocket probe"]
            """)
        #expect(describe(machine) == "websocket probe")
        #expect(machine.webSocket === probe)
        #expect(describe(machine.send(message("4"), volatile: false)) == "write on probe")
        #expect(describe(machine.received(packet(.message, "up"), from: .webSocket(probe.connection))) == "deliver text up")
        // Polling is over for this session.
        #expect(describe(machine.pollArrived(FakePoll("late"))) == ["answer late error badRequest"])
        #expect(machine.postArrived().map { describe($0) } == "error badRequest")
        #expect(describe(machine.received(packet(.message, "x"), from: .polling)) == "ignore")
    }

    @Test func upgradeWithAGETStillHeldRefusesIt() {
        // A client pauses polling (its GET answered) before it sends `5`: a
        // GET still held raced the `5` and is taken after it.
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        _ = machine.send(message("a"), volatile: false)  // answer due at the end of the turn
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == """
            upgrade ["cancel upgrade timer", "answer get error badRequest", "write 4a on probe", "became websocket probe"]
            """)
        #expect(machine.answerHeldPoll() == nil, "the end-of-turn answer finds no queue")
    }

    @Test func upgradeWithoutAProbePingStillCompletes() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == """
            upgrade ["cancel upgrade timer", "became websocket probe"]
            """)
        #expect(describe(machine.received(packet(.message, "x"), from: .webSocket(probe.connection))) == "deliver text x")
    }

    @Test func anythingElseOnTheProbeAbortsTheUpgrade() {
        let others: [(String, EngineIOPacket)] = [
            ("message", packet(.message, "x")),
            ("binary", .binary(ByteBuffer(bytes: [1]))),
            ("ping other than probe", packet(.ping, "x")),
            ("plain ping", packet(.ping)),
            ("pong", packet(.pong, "probe")),
            ("close", packet(.close)),
            ("noop", packet(.noop)),
        ]
        for (name, other) in others {
            let probe = FakeWebSocket("probe")
            var machine = upgradingMachine(probe: probe)
            _ = machine.pollArrived(FakePoll("get"))
            _ = machine.send(message("q"), volatile: false)
            #expect(describe(machine.received(other, from: .webSocket(probe.connection))) == """
                upgrade ["cancel upgrade timer", "close probe 1000"]
                """, "\(name)")
            #expect(describe(machine) == "polling queue [4q] bytes 1 held get", "\(name): polling goes on, nothing lost")
            #expect(machine.canStartUpgrade, "\(name): a new probe may come")
        }
    }

    @Test func theUpgradeTimingOutDropsTheProbeAndPollingGoesOn() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.send(message("q"), volatile: false)
        #expect(describe(machine.upgradeTimedOut()) == ["close probe 1000"])
        #expect(describe(machine) == "polling queue [4q] bytes 1 held none")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == "ignore", "too late")
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload 4q"])

        // A late timer in other states does nothing.
        #expect(describe(machine.upgradeTimedOut()) == [])
        var websocket = Machine(webSocket: probe, maxBufferedBytes: 10)
        #expect(describe(websocket.upgradeTimedOut()) == [])
        var closed = pollingMachine()
        _ = closed.close(.pingTimeout)
        #expect(describe(closed.upgradeTimedOut()) == [])
    }

    @Test func theProbeClosingEndsTheUpgradeNotTheSession() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.webSocketClosed(connection: probe.connection, error: false)) == ["cancel upgrade timer"])
        #expect(describe(machine) == "polling queue [] bytes 0 held get")
        #expect(machine.isOpen)

        var failed = upgradingMachine(probe: probe)
        #expect(describe(failed.webSocketClosed(connection: probe.connection, error: true)) == ["cancel upgrade timer"])
        #expect(describe(failed) == "polling queue [] bytes 0 held none")
    }

    @Test func aParseErrorOnTheProbeEndsTheUpgradeNotTheSession() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.send(message("q"), volatile: false)
        #expect(describe(machine.webSocketParseError(connection: probe.connection)) == ["cancel upgrade timer", "close probe 1000"])
        #expect(describe(machine) == "polling queue [4q] bytes 1 held none")
    }

    @Test func probeReceivedOutsideAnUpgradeDoesNothing() {
        var polling = pollingMachine()
        #expect(describe(polling.probeReceived(packet(.upgrade))) == [])
        var websocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        #expect(describe(websocket.probeReceived(packet(.upgrade))) == [])
        var closed = pollingMachine()
        _ = closed.close(.pingTimeout)
        #expect(describe(closed.probeReceived(packet(.upgrade))) == [])
        var clientClosed = pollingMachine()
        _ = clientClosed.close(.transportClose)
        #expect(describe(clientClosed.probeReceived(packet(.upgrade))) == [], "draining with no probe")
    }
}
