import NIOCore
import Testing
import HuddleTestSupport
import EngineIO
import SocketIO
import SocketIOCore
import SocketIOAdapter

/// Records what both observer seams report, in order (one embedded loop).
final class RecordingObserver: EngineIOObserver, SocketIOObserver, @unchecked Sendable {
    let log: Log

    init(log: Log) { self.log = log }

    func sessionOpened(_ socket: EngineIOSocket) { log.add("engine opened \(socket.transport.rawValue) loop \(socket.loopIndex)") }
    func sessionUpgraded(_ socket: EngineIOSocket) { log.add("engine upgraded \(socket.transport.rawValue)") }
    func sessionClosed(_ socket: EngineIOSocket, reason: EngineIOCloseReason) { log.add("engine closed \(reason.rawValue)") }
    func messageReceived(_ socket: EngineIOSocket, bytes: Int) { log.add("in \(bytes)") }
    func messageSent(_ socket: EngineIOSocket, bytes: Int) { log.add("out \(bytes)") }

    func socketJoined(_ socket: SocketIOSocket, rooms: [RoomName]) { log.add("joined \(rooms.map { $0 == socket.id ? "own" : $0 })") }
    func socketLeft(_ socket: SocketIOSocket, room: RoomName) { log.add("left \(room)") }
    func socketConnected(_ socket: SocketIOSocket) {
        log.add("connected \(socket.namespace.name) \(socket.transportName) data \(socket.data.jsonString)")
        socket.data = ["seen": true]   // not reported: part of the connection
    }
    func socketDisconnected(_ socket: SocketIOSocket, reason: DisconnectReason, rooms: [RoomName]) {
        log.add("disconnected \(reason.rawValue) rooms \(rooms.map { $0 == socket.id ? "own" : $0 })")
    }
    func socketDataChanged(_ socket: SocketIOSocket) { log.add("data \(socket.data.jsonString)") }
    func socketTransportChanged(_ socket: SocketIOSocket) { log.add("transport \(socket.transportName)") }
    func eventReceived(_ socket: SocketIOSocket, event: SocketIOEvent) { log.add("received \(event.name) \(JSONValue.array(event.arguments).jsonString)") }
    func eventSent(_ socket: SocketIOSocket, packet: SocketIOPacket) { log.add("sent \(packet.eventName ?? "?")") }
}

@Suite struct ObserverTests {
    @Test func bothSeamsReportASocketsLifeInOrder() throws {
        let h = SocketIOHarness()
        let observer = RecordingObserver(log: h.log)
        try h.io.engine.install(observer: observer)
        try h.io.install(observer: observer)
        #expect(throws: SocketIOObserverAlreadyInstalled.self) { try h.io.install(observer: observer) }
        #expect(throws: EngineIOObserverAlreadyInstalled.self) { try h.io.engine.install(observer: observer) }
        h.io.onConnection { socket in
            socket.data = ["n": 1]
            socket.on("hi") { event in
                socket.join("r")
                socket.emit("ho", arguments: event.arguments)
                socket.leave("r")
            }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["hi",1]"#)
        #expect(try client.texts() == [#"42["ho",1]"#])
        try client.send(text: "41")
        h.loop.run()
        #expect(h.log.entries == [
            "engine opened websocket loop 0",
            "in 1",                                   // "0" (CONNECT)
            "joined [\"own\"]",
            "out 26",                                 // 0{"sid":"<15 characters>"}
            "connected / websocket data {}",
            "data {\"n\":1}",                          // the connection handler's, not the observer's
            "in 9",                                   // 2["hi",1]
            "received hi [1]",
            "joined [\"r\"]",
            "sent ho",
            "out 9",                                  // 2["ho",1]
            "left r",
            "in 1",                                   // "1" (DISCONNECT)
            "disconnected client namespace disconnect rooms [\"own\"]",
        ])
    }

    @Test func anUpgradeAndACloseAreReported() throws {
        let h = SocketIOHarness()
        let observer = RecordingObserver(log: h.log)
        try h.io.engine.install(observer: observer)
        try h.io.install(observer: observer)
        let (polling, sid) = try h.pollingClient()
        let websocket = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        #expect(try websocket.upgrade("/socket.io/?EIO=4&transport=websocket&sid=\(sid)").status == 101)
        try websocket.send(text: "2probe")
        #expect(try websocket.texts() == ["3probe"])
        try websocket.send(text: "5")
        h.loop.run()
        try websocket.send(text: "1")
        h.loop.run()
        _ = polling
        let entries = h.log.entries
        #expect(entries.first == "engine opened polling loop 0")
        #expect(entries.contains("connected / polling data {}"))
        let upgraded = try #require(entries.firstIndex(of: "engine upgraded websocket"))
        #expect(entries[upgraded + 1] == "transport websocket")
        #expect(entries.suffix(2) == ["engine closed transport close", "disconnected transport close rooms [\"own\"]"])
    }
}
