import NIOCore
import Testing
@testable import EngineIO
@testable import EngineIOCore

/// What happens to a packet the application sends, in every state; no I/O.
@Suite struct SessionStateMachineSendTests {
    @Test func theHandshakeGETTakesTheOpenPacket() {
        var machine = Machine(pollingWithOpen: EngineIOOutboundPacket(packet: packet(.open, #"{"sid":"s"}"#)), maxBufferedBytes: 100)
        #expect(machine.isOpen)
        #expect(machine.canStartUpgrade)
        #expect(machine.webSocket == nil)
        #expect(describe(machine) == "polling queue [\(openText)] bytes 11 held none")
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload \(openText)"])
        #expect(describe(machine) == "polling queue [] bytes 0 held none")
    }

    @Test func onWebSocketAPacketIsWrittenOnIt() {
        let ws = FakeWebSocket("ws")
        var machine = Machine(webSocket: ws, maxBufferedBytes: 100)
        #expect(machine.webSocket === ws)
        #expect(!machine.canStartUpgrade)
        #expect(describe(machine.send(message("a"), volatile: false)) == "write on ws")
        #expect(describe(machine.send(message("b"), volatile: true)) == "write on ws", "the caller checks writability")
        #expect(describe(machine.sendControl(EngineIOOutboundPacket(packet: packet(.ping)))) == "write on ws")
        #expect(describe(machine) == "websocket ws")
    }

    @Test func withNoGETHeldPacketsQueueForTheNextOne() {
        var machine = pollingMachine()
        #expect(describe(machine.send(message("a"), volatile: false)) == "queued answerHeldPollSoon=false")
        #expect(describe(machine.send(message("bc"), volatile: false)) == "queued answerHeldPollSoon=false")
        #expect(describe(machine) == "polling queue [4a,4bc] bytes 3 held none")
        #expect(machine.answerHeldPoll() == nil)
        #expect(describe(machine.pollArrived(FakePoll("get"))) == ["answer get payload 4a\(RS)4bc"])
        #expect(describe(machine) == "polling queue [] bytes 0 held none")
    }

    @Test func withAGETHeldTheFirstPacketAsksForOneAnswerAtTheEndOfTheTurn() throws {
        var machine = pollingMachine()
        #expect(machine.pollArrived(FakePoll("get")).isEmpty)
        #expect(describe(machine) == "polling queue [] bytes 0 held get")
        #expect(describe(machine.send(message("a"), volatile: false)) == "queued answerHeldPollSoon=true")
        #expect(describe(machine.send(message("b"), volatile: false)) == "queued answerHeldPollSoon=false", "one answer is already due")
        #expect(describe(machine.send(message("c"), volatile: true)) == "queued answerHeldPollSoon=false", "a GET is held: a volatile packet goes too")
        let answered = machine.answerHeldPoll()
        let (poll, payload) = try #require(answered)
        #expect(poll.name == "get")
        #expect(String(buffer: payload.bytes) == "4a\(RS)4b\(RS)4c")
        #expect(describe(machine) == "polling queue [] bytes 0 held none")
        #expect(machine.answerHeldPoll() == nil)
        // The next GET is held again, and the next packet asks for an answer again.
        #expect(machine.pollArrived(FakePoll("get2")).isEmpty)
        #expect(describe(machine.send(message("d"), volatile: false)) == "queued answerHeldPollSoon=true")
        let second = machine.answerHeldPoll()
        #expect(second?.0.name == "get2")
        #expect(second.map { String(buffer: $0.1.bytes) } == "4d")
    }

    @Test func theEndOfTurnAnswerFindsNothingWhenTheGETWasTakenMeanwhile() {
        // A GET held, a packet queued with an answer due, then the `5`
        // refuses the GET and moves the packet to the WebSocket before the
        // end of the turn: the answer due finds nothing to do.
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe)
        #expect(machine.pollArrived(FakePoll("get")).isEmpty)
        #expect(describe(machine.send(message("a"), volatile: false)) == "queued answerHeldPollSoon=true")
        #expect(describe(machine.received(packet(.upgrade), from: .webSocket(probe.connection)))
            == "upgrade [\"cancel upgrade timer\", \"answer get error badRequest\", \"write 4a on probe\", \"became websocket probe\"]")
        #expect(machine.answerHeldPoll() == nil)
        #expect(describe(machine) == "websocket probe")
    }

    @Test func aVolatilePacketIsDroppedWhenNoGETIsHeld() {
        var machine = pollingMachine()
        #expect(describe(machine.send(message("v"), volatile: true)) == "dropped")
        #expect(describe(machine) == "polling queue [] bytes 0 held none")
        let probe = FakeWebSocket("probe")
        _ = machine.probeOpened(probe)
        #expect(describe(machine.send(message("v"), volatile: true)) == "dropped")
        #expect(describe(machine.send(message("r"), volatile: false)) == "queued answerHeldPollSoon=false")
        #expect(describe(machine) == "upgrading queue [4r] bytes 1 held none probe probe answered false")
    }

    @Test func theBacklogBoundCountsPayloadBytesAndAReliablePacketPastItOverflows() {
        var machine = pollingMachine(maxBufferedBytes: 10)
        #expect(describe(machine.send(message("12345"), volatile: false)) == "queued answerHeldPollSoon=false")
        #expect(describe(machine.send(message("67890"), volatile: false)) == "queued answerHeldPollSoon=false", "exactly at the bound")
        #expect(describe(machine.send(message("x"), volatile: false)) == "overflow")
        #expect(describe(machine) == "polling queue [412345,467890] bytes 10 held none", "the packet over the bound is not queued")
        // A control packet is never refused.
        #expect(describe(machine.sendControl(EngineIOOutboundPacket(packet: packet(.ping)))) == "queued answerHeldPollSoon=false")
        #expect(describe(machine) == "polling queue [412345,467890,2] bytes 10 held none")
    }

    @Test func aVolatilePacketPastTheBoundIsDroppedNotAnOverflow() {
        var machine = pollingMachine(maxBufferedBytes: 4)
        #expect(machine.pollArrived(FakePoll("get")).isEmpty)
        #expect(describe(machine.send(message("1234"), volatile: false)) == "queued answerHeldPollSoon=true")
        #expect(describe(machine.send(message("5"), volatile: true)) == "dropped")
        #expect(describe(machine.send(message("5"), volatile: false)) == "overflow")
        #expect(describe(machine) == "polling queue [41234] bytes 4 held get")
    }

    @Test func theBoundAlsoHoldsWhileUpgrading() {
        let probe = FakeWebSocket("probe")
        var machine = upgradingMachine(probe: probe, maxBufferedBytes: 3)
        #expect(describe(machine.send(message("abc"), volatile: false)) == "queued answerHeldPollSoon=false")
        #expect(describe(machine.send(message("d"), volatile: false)) == "overflow")
    }

    @Test func aControlPacketWithAGETHeldAsksForAnAnswer() {
        var machine = pollingMachine()
        _ = machine.pollArrived(FakePoll("get"))
        #expect(describe(machine.sendControl(EngineIOOutboundPacket(packet: packet(.ping)))) == "queued answerHeldPollSoon=true")
        #expect(machine.answerHeldPoll().map { String(buffer: $0.1.bytes) } == "2")
    }

    @Test func nothingIsSentOnceClosedOrDraining() {
        var draining = pollingMachine()
        _ = draining.send(message("last"), volatile: false)
        #expect(describe(draining.close(.forcedClose)) == ["start draining clientClosed=false"])
        #expect(!draining.isOpen)
        #expect(describe(draining.send(message("late"), volatile: false)) == "dropped")
        #expect(describe(draining.sendControl(EngineIOOutboundPacket(packet: packet(.ping)))) == "dropped")
        #expect(draining.answerHeldPoll() == nil)
        #expect(describe(draining) == "draining [4last] probe none clientClosed false", "the late packet is not added")

        var closed = pollingMachine()
        _ = closed.close(.transportError)
        #expect(describe(closed) == "closed")
        #expect(describe(closed.send(message("late"), volatile: false)) == "dropped")
        #expect(describe(closed.send(message("late"), volatile: true)) == "dropped")
        #expect(describe(closed.sendControl(EngineIOOutboundPacket(packet: packet(.ping)))) == "dropped")
        #expect(closed.answerHeldPoll() == nil)

        var closedWebSocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        _ = closedWebSocket.close(.forcedClose)
        #expect(describe(closedWebSocket.send(message("late"), volatile: false)) == "dropped")
        #expect(closedWebSocket.webSocket == nil)
    }

    @Test func withPollingQueueReachesTheQueueOnlyWhilePolling() {
        var machine = pollingMachine()
        #expect(machine.withPollingQueue { $0.packets.count } == 0)
        _ = machine.probeOpened(FakeWebSocket("probe"))
        #expect(machine.withPollingQueue { $0.packets.count } == 0)
        var websocket = Machine(webSocket: FakeWebSocket("ws"), maxBufferedBytes: 10)
        #expect(websocket.withPollingQueue { $0.packets.count } == nil)
    }
}
