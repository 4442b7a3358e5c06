import NIOCore
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// Closing for every reason in every state, and draining; no I/O.
@Suite struct SessionStateMachineCloseTests {
    static let failures: [EngineIOCloseReason] = [.transportError, .pingTimeout, .parseError]
    static let serverCloses: [EngineIOCloseReason] = [.forcedClose, .serverShuttingDown]

    // MARK: - Polling

    @Test func pollingClientCloseWithAGETHeldReleasesItWithANoop() {
        var machine = pollingMachine()
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.close(.transportClose)) == ["answer get noop"])
        #expect(describe(machine) == "closed")
        #expect(!machine.isOpen)
    }

    @Test func pollingClientCloseWithNoGETHeldDrainsForAGETInFlight() {
        var machine = pollingMachine()
        _ = machine.send(message("unsent"), volatile: false)
        #expect(describe(machine.close(.transportClose)) == ["start draining clientClosed=true"])
        #expect(describe(machine) == "draining [] probe none clientClosed true", "the client closed: nothing more is sent to it")
        #expect(!machine.isOpen)
        #expect(describe(machine.pollArrived(FakePoll("inflight"))) == ["answer inflight noop", "finish draining"])
        #expect(describe(machine) == "closed")
        #expect(describe(machine.pollArrived(FakePoll("later"))) == ["answer later error unknownSessionID"])
    }

    @Test(arguments: serverCloses)
    func pollingServerCloseWithAGETHeldAndNothingQueuedSendsTheCloseAtOnce(reason: EngineIOCloseReason) {
        var machine = pollingMachine()
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.close(reason)) == ["answer get payload 1"])
        #expect(describe(machine) == "closed")
        #expect(machine.answerHeldPoll() == nil)
    }

    @Test(arguments: serverCloses)
    func pollingServerCloseWithNoGETHeldDrains(reason: EngineIOCloseReason) {
        // What the next GET gets: SessionStateMachineLastPacketsApartFromCloseTests.
        var machine = pollingMachine()
        _ = machine.send(message("a"), volatile: false)
        _ = machine.send(message("b"), volatile: false)
        #expect(describe(machine.close(reason)) == ["start draining clientClosed=false"])
        #expect(describe(machine) == "draining [4a,4b] probe none clientClosed false")
        #expect(!machine.isOpen)
    }

    @Test func pollingServerCloseWithNothingQueuedDrainsTheClosePacketAlone() {
        var machine = pollingMachine()
        #expect(describe(machine.close(.forcedClose)) == ["start draining clientClosed=false"])
        #expect(describe(machine.pollArrived(FakePoll("next"))) == ["answer next payload 1", "finish draining"])
    }

    @Test(arguments: failures)
    func pollingFailureWithAGETHeldAnswersItWithTheClose(reason: EngineIOCloseReason) {
        var machine = pollingMachine()
        _ = machine.pollArrived(FakePoll("get"))
        _ = machine.send(message("x"), volatile: false)
        #expect(describe(machine.close(reason)) == ["answer get payload 4x\(RS)1"])
        #expect(describe(machine) == "closed")
    }

    @Test(arguments: failures)
    func pollingFailureWithNoGETHeldJustCloses(reason: EngineIOCloseReason) {
        var machine = pollingMachine()
        _ = machine.send(message("x"), volatile: false)
        #expect(describe(machine.close(reason)) == [])
        #expect(describe(machine) == "closed", "the client finds the session gone")
    }

    // MARK: - Upgrading

    @Test func upgradingClientCloseWithAGETHeld() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.close(.transportClose)) == ["answer get noop", "cancel upgrade timer", "close probe 1000"])
        #expect(describe(machine) == "closed")
    }

    @Test func upgradingClientCloseWithNoGETHeld() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        #expect(describe(machine.close(.transportClose)) == ["cancel upgrade timer", "close probe 1000", "start draining clientClosed=true"])
        #expect(describe(machine) == "draining [] probe none clientClosed true")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == "ignore")
        #expect(describe(machine.pollArrived(FakePoll("inflight"))) == ["answer inflight noop", "finish draining"])
    }

    @Test(arguments: serverCloses)
    func upgradingServerCloseWithAGETHeldAndNothingQueued(reason: EngineIOCloseReason) {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.close(reason)) == ["answer get payload 1", "cancel upgrade timer", "close probe 1000"])
        #expect(describe(machine) == "closed")
    }

    @Test(arguments: serverCloses)
    func upgradingServerCloseWithNoGETHeldKeepsTheProbe(reason: EngineIOCloseReason) {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.send(message("last"), volatile: false)
        #expect(describe(machine.close(reason)) == ["start draining clientClosed=false"])
        #expect(describe(machine) == "draining [4last] probe probe clientClosed false")
    }

    @Test(arguments: failures)
    func upgradingFailureWithAGETHeld(reason: EngineIOCloseReason) {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.close(reason)) == ["answer get payload 1", "cancel upgrade timer", "close probe 1000"])
        #expect(describe(machine) == "closed")
    }

    @Test(arguments: failures)
    func upgradingFailureWithNoGETHeld(reason: EngineIOCloseReason) {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.send(message("x"), volatile: false)
        #expect(describe(machine.close(reason)) == ["cancel upgrade timer", "close probe 1000"])
        #expect(describe(machine) == "closed")
    }

    // MARK: - WebSocket, draining, closed

    @Test func webSocketClientCloseClosesWithoutACloseFrame() {
        let ws = FakeWebSocket("ws")
        var machine = Machine(webSocket: ws, maxBufferedBytes: 10)
        #expect(describe(machine.close(.transportClose)) == ["close ws without close frame"])
        #expect(describe(machine) == "closed")
    }

    @Test(arguments: serverCloses + failures)
    func webSocketAnyOtherCloseSendsA1000(reason: EngineIOCloseReason) {
        let ws = FakeWebSocket("ws")
        var machine = Machine(webSocket: ws, maxBufferedBytes: 10)
        #expect(describe(machine.close(reason)) == ["close ws 1000"])
        #expect(describe(machine) == "closed")
        #expect(!machine.isOpen)
    }

    @Test(arguments: [EngineIOCloseReason.transportClose] + serverCloses + failures)
    func closingAgainDoesNothing(reason: EngineIOCloseReason) {
        var draining = pollingMachine()
        _ = draining.send(message("a"), volatile: false)
        _ = draining.close(.forcedClose)
        #expect(describe(draining.close(reason)) == [])
        #expect(describe(draining) == "draining [4a] probe none clientClosed false")

        var closed = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        _ = closed.close(.forcedClose)
        #expect(describe(closed.close(reason)) == [])
        #expect(describe(closed) == "closed")
    }

    // MARK: - Draining with a probe

    @Test func drainingTheUpgradeCompletingDeliversTheLastPacketsOverTheWebSocketThenClosesIt() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.send(message("a"), volatile: false)
        _ = machine.send(message("41"), volatile: false)
        _ = machine.close(.forcedClose)
        // The probe's ping again (a client that repeats it): nothing.
        #expect(describe(machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))) == "upgrade []")
        #expect(describe(machine) == "draining [4a,441] probe probe clientClosed false")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == """
            upgrade ["cancel upgrade timer", "write 4a on probe", "write 441 on probe", "close probe 1000", "finish draining"]
            """)
        #expect(describe(machine) == "closed")
        #expect(describe(machine.pollArrived(FakePoll("late"))) == ["answer late error unknownSessionID"])
    }

    @Test func drainingAGETWithNothingOwedButTheCloseTakesItAndTheProbeIsClosed() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.close(.serverShuttingDown)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload 1", "cancel upgrade timer", "close probe 1000", "finish draining"])
        #expect(describe(machine) == "closed")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == "ignore")
    }

    @Test func drainingAnythingElseOnTheProbeDropsItAndTheGETStillGetsTheLastPackets() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.send(message("a"), volatile: false)
        _ = machine.close(.forcedClose)
        #expect(describe(machine.received(packet(.message, "x"), from: .webSocket(probe.connection))) == """
            upgrade ["cancel upgrade timer", "close probe 1000"]
            """)
        #expect(describe(machine) == "draining [4a] probe none clientClosed false")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection))) == "ignore")
    }

    @Test func drainingTheProbeClosingOrFailingOrTimingOutDropsIt() {
        let probe = FakeWebSocket("probe")
        func draining() -> Machine {
            var machine = upgradingMachine(probe: probe)
            _ = machine.send(message("a"), volatile: false)
            _ = machine.close(.forcedClose)
            return machine
        }
        var closed = draining()
        #expect(describe(closed.webSocketClosed(connection: FakeWebSocket("other").connection, error: false)) == [])
        #expect(describe(closed.webSocketClosed(connection: probe.connection, error: false)) == ["cancel upgrade timer"])
        #expect(describe(closed) == "draining [4a] probe none clientClosed false")

        var failed = draining()
        #expect(describe(failed.webSocketParseError(connection: FakeWebSocket("other").connection)) == [])
        #expect(describe(failed.webSocketParseError(connection: probe.connection)) == ["cancel upgrade timer", "close probe 1000"])
        #expect(describe(failed) == "draining [4a] probe none clientClosed false")

        var timedOut = draining()
        #expect(describe(timedOut.upgradeTimedOut()) == ["close probe 1000"])
        #expect(describe(timedOut) == "draining [4a] probe none clientClosed false")
        #expect(describe(timedOut.upgradeTimedOut()) == [])
    }

    @Test func drainingExpiryDropsWhatWasOwed() {
        let probe = FakeWebSocket("probe")
        var withProbe = upgradingMachine(probe: probe)
        _ = withProbe.send(message("a"), volatile: false)
        _ = withProbe.close(.forcedClose)
        #expect(describe(withProbe.drainingExpired()) == ["cancel upgrade timer", "close probe 1000", "finish draining"])
        #expect(describe(withProbe) == "closed")
        #expect(describe(withProbe.pollArrived(FakePoll("late"))) == ["answer late error unknownSessionID"])

        var serverClosed = pollingMachine()
        _ = serverClosed.close(.forcedClose)
        #expect(describe(serverClosed.drainingExpired()) == ["finish draining"])

        var clientClosed = pollingMachine()
        _ = clientClosed.close(.transportClose)
        #expect(describe(clientClosed.drainingExpired()) == ["finish draining"])
        #expect(describe(clientClosed) == "closed")

        // Outside draining (the GET came first, or never draining): nothing.
        #expect(describe(clientClosed.drainingExpired()) == [])
        var open = pollingMachine()
        #expect(describe(open.drainingExpired()) == [])
        #expect(open.isOpen)
    }
}
