import NIOCore
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// GETs, POSTs and packets from the client, in every state; no I/O.
@Suite struct SessionStateMachineRequestTests {
    // MARK: - GET

    @Test func pollingAGETWithNothingQueuedIsHeld() {
        var machine = pollingMachine()
        #expect(machine.pollArrived(FakePoll("get")).isEmpty)
        #expect(describe(machine) == "polling queue [] bytes 0 held get")
    }

    @Test func pollingAGETWithPacketsQueuedTakesThemAtOnce() {
        var machine = pollingMachine()
        _ = machine.send(message("a"), volatile: false)
        _ = machine.send(EngineIOOutboundPacket(binary: ByteBuffer(bytes: [1, 2, 3])), volatile: false)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload 4a\(RS)bAQID"])
        #expect(describe(machine) == "polling queue [] bytes 0 held none")
    }

    @Test func pollingASecondGETWhileOneIsHeldIsRefusedAndClosesTheSession() {
        var machine = pollingMachine()
        _ = machine.pollArrived(FakePoll("first"))
        #expect(describe(machine.pollArrived(FakePoll("second"))) == ["answer second error badRequest", "close session transport error"])
        // The caller then closes the session: the held GET gets the close packet.
        #expect(describe(machine.close(.transportError)) == ["answer first payload 1"])
        #expect(describe(machine) == "closed")
    }

    @Test func upgradingAGETIsHeldUntilTheProbeIsAnswered() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        #expect(machine.pollArrived(FakePoll("get")).isEmpty)
        #expect(describe(machine) == "upgrading queue [] bytes 0 held get probe probe answered false")
        #expect(describe(machine.pollArrived(FakePoll("second"))) == ["answer second error badRequest", "close session transport error"])
    }

    @Test func upgradingAGETWithPacketsQueuedTakesThem() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.send(message("a"), volatile: false)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload 4a"])
        // Also once the probe is answered: packets first, not a noop.
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.send(message("b"), volatile: false)
        #expect(describe(machine.pollArrived(FakePoll("get2"))) == ["answer get2 payload 4b"])
    }

    @Test func upgradingOnceTheProbeIsAnsweredAGETIsHeldThenReleasedWithANoop() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        #expect(describe(machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))) == "upgrade []")
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["start probe noop timer"])
        #expect(describe(machine) == "upgrading queue [] bytes 0 held get probe probe answered true")
        #expect(describe(machine.probeNoopDue()) == ["answer get noop"])
        #expect(describe(machine) == "upgrading queue [] bytes 0 held none probe probe answered true")
        #expect(machine.probeNoopDue().isEmpty, "a late timer finds nothing to do")
    }

    @Test func upgradingAGETHeldWhenTheUpgradeCompletesIsRefused() {
        // It raced the `5` (a client pauses polling before it sends `5`):
        // taken after it, like any polling request after the upgrade.
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        _ = machine.received(packet(.ping, "probe"), from: .webSocket(probe.connection))
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection)))
            == "upgrade [\"cancel upgrade timer\", \"answer get error badRequest\", \"became websocket probe\"]")
        #expect(machine.probeNoopDue().isEmpty)
    }

    @Test func onWebSocketAGETIsRefusedAndTheSessionGoesOn() {
        let ws = FakeWebSocket("ws")
        var machine = Machine(webSocket: ws, maxBufferedBytes: 10)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get error badRequest"])
        #expect(describe(machine) == "websocket ws")
        #expect(machine.isOpen)
    }

    @Test func onceClosedAGETFindsTheSessionUnknown() {
        var machine = pollingMachine()
        _ = machine.close(.pingTimeout)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get error unknownSessionID"])
    }

    // MARK: - POST

    @Test func aPOSTIsTakenWhilePollingOrUpgradingOnly() {
        var machine = pollingMachine()
        #expect(machine.postArrived() == nil)
        _ = machine.probeOpened(FakeWebSocket("probe"))
        #expect(machine.postArrived() == nil)

        let websocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        #expect(websocket.postArrived().map { describe($0) } == "error badRequest")

        var draining = pollingMachine()
        _ = draining.close(.forcedClose)
        #expect(draining.postArrived().map { describe($0) } == "ok", "the reference takes the body and ignores it")
        var clientClosed = pollingMachine()
        _ = clientClosed.close(.transportClose)
        #expect(clientClosed.postArrived().map { describe($0) } == "ok")

        var closed = pollingMachine()
        _ = closed.close(.parseError)
        #expect(closed.postArrived().map { describe($0) } == "error unknownSessionID")
    }

    // MARK: - An aborted GET

    @Test func theHeldGETsConnectionGoingAwayClosesTheSession() {
        var machine = pollingMachine()
        let get = FakePoll("get")
        let beforeAnyGET = machine.pollAborted(connection: get.connection)
        #expect(!beforeAnyGET, "nothing held")
        _ = machine.pollArrived(get)
        let anotherConnection = machine.pollAborted(connection: FakePoll("other").connection)
        #expect(!anotherConnection)
        #expect(describe(machine) == "polling queue [] bytes 0 held get")
        let theHeldGET = machine.pollAborted(connection: get.connection)
        #expect(theHeldGET)
        #expect(describe(machine) == "polling queue [] bytes 0 held none")

        var websocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        let onWebSocket = websocket.pollAborted(connection: get.connection)
        #expect(!onWebSocket)
    }

    // MARK: - Packets from the client

    @Test func whatAPacketOnTheActiveTransportMeans() {
        for origin in ["polling", "websocket"] {
            let ws = FakeWebSocket("ws")
            var machine = origin == "polling" ? pollingMachine() : Machine(webSocket: ws, maxBufferedBytes: 10)
            let from: Machine.Origin = origin == "polling" ? .polling : .webSocket(ws.connection)
            #expect(describe(machine.received(packet(.message, "hé"), from: from)) == "deliver text hé")
            #expect(describe(machine.received(.binary(ByteBuffer(bytes: [0, 255])), from: from)) == "deliver binary [0, 255]")
            #expect(describe(machine.received(packet(.pong), from: from)) == "pong")
            #expect(describe(machine.received(packet(.close), from: from)) == "close session transport close")
            #expect(describe(machine.received(packet(.ping), from: from)) == "close session transport error", "v4: the client never pings")
            #expect(describe(machine.received(packet(.open), from: from)) == "ignore")
            #expect(describe(machine.received(packet(.upgrade), from: from)) == "ignore")
            #expect(describe(machine.received(packet(.noop), from: from)) == "ignore")
            #expect(machine.isOpen, "received() only says what to do")
        }
    }

    @Test func pollingPacketsCountWhileUpgrading() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        #expect(describe(machine.received(packet(.message, "x"), from: .polling)) == "deliver text x")
        #expect(describe(machine.received(packet(.close), from: .polling)) == "close session transport close")
    }

    @Test func packetsOfATransportThatIsNotTheSessionsAreIgnored() {
        let ws = FakeWebSocket("ws")
        let stale = FakeWebSocket("stale")
        var websocket = Machine(webSocket: ws, maxBufferedBytes: 10)
        #expect(describe(websocket.received(packet(.message, "x"), from: .polling)) == "ignore", "a POST after the upgrade")
        #expect(describe(websocket.received(packet(.message, "x"), from: .webSocket(stale.connection))) == "ignore")
        #expect(describe(websocket.received(packet(.close), from: .webSocket(stale.connection))) == "ignore")

        var polling = pollingMachine()
        #expect(describe(polling.received(packet(.message, "x"), from: .webSocket(stale.connection))) == "ignore")
        #expect(describe(polling.received(packet(.upgrade), from: .webSocket(stale.connection))) == "ignore")

        let probe = FakeWebSocket("probe")
        var upgrading = upgradingMachine(probe: probe)
        #expect(describe(upgrading.received(packet(.upgrade), from: .webSocket(stale.connection))) == "ignore")
        #expect(describe(upgrading) == "upgrading queue [] bytes 0 held none probe probe answered false")

        var draining = pollingMachine()
        _ = draining.close(.forcedClose)
        #expect(describe(draining.received(packet(.message, "x"), from: .polling)) == "ignore")
        #expect(describe(draining.received(packet(.upgrade), from: .webSocket(stale.connection))) == "ignore")

        var closed = Machine(webSocket: ws, maxBufferedBytes: 10)
        _ = closed.close(.transportError)
        #expect(describe(closed.received(packet(.message, "x"), from: .webSocket(ws.connection))) == "ignore")
        #expect(describe(closed.received(packet(.message, "x"), from: .polling)) == "ignore")
    }

    // MARK: - WebSocket failures

    @Test func theActiveWebSocketClosingOrFailingClosesTheSession() {
        let ws = FakeWebSocket("ws")
        var machine = Machine(webSocket: ws, maxBufferedBytes: 10)
        #expect(describe(machine.webSocketClosed(connection: FakeWebSocket("other").connection, error: false)) == [])
        #expect(describe(machine.webSocketClosed(connection: ws.connection, error: false)) == ["close session transport close"])
        #expect(describe(machine.webSocketClosed(connection: ws.connection, error: true)) == ["close session transport error"])
        #expect(describe(machine.webSocketParseError(connection: FakeWebSocket("other").connection)) == [])
        #expect(describe(machine.webSocketParseError(connection: ws.connection)) == ["close session parse error"])
        #expect(describe(machine) == "websocket ws", "the caller closes the session")
    }

    @Test func aWebSocketThatIsNotTheSessionsChangesNothing() {
        let other = FakeWebSocket("other")
        var polling = pollingMachine()
        #expect(describe(polling.webSocketClosed(connection: other.connection, error: true)) == [])
        #expect(describe(polling.webSocketParseError(connection: other.connection)) == [])
        let probe = FakeWebSocket("probe")
        var upgrading = upgradingMachine(probe: probe)
        #expect(describe(upgrading.webSocketClosed(connection: other.connection, error: false)) == [])
        #expect(describe(upgrading.webSocketParseError(connection: other.connection)) == [])
        #expect(describe(upgrading) == "upgrading queue [] bytes 0 held none probe probe answered false")
        var closed = Machine(webSocket: other, maxBufferedBytes: 10)
        _ = closed.close(.transportClose)
        #expect(describe(closed.webSocketClosed(connection: other.connection, error: false)) == [])
        #expect(describe(closed.webSocketParseError(connection: other.connection)) == [])
    }
}
