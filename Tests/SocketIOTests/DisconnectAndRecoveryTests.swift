import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

@Suite struct DisconnectTests {
    func recording(_ h: SocketIOHarness) {
        let log = h.log
        h.io.onConnection { socket in
            socket.join("room")
            socket.onDisconnecting { reason in log.add("disconnecting \(reason.rawValue) rooms \(socket.rooms.count)") }
            socket.onDisconnect { reason in log.add("disconnect \(reason.rawValue) rooms \(socket.rooms.count)") }
            socket.on("leave-me") { _ in socket.disconnect() }
            socket.on("close-me") { _ in socket.disconnect(close: true) }
        }
    }

    @Test func clientNamespaceDisconnect() throws {
        let h = SocketIOHarness()
        recording(h)
        let (client, _) = try h.connected()
        try client.send(text: "41")
        #expect(h.log.entries == ["disconnecting client namespace disconnect rooms 2", "disconnect client namespace disconnect rooms 0"])
        #expect(client.isActive)
    }

    @Test func serverNamespaceDisconnect() throws {
        let h = SocketIOHarness()
        recording(h)
        let (client, _) = try h.connected()
        try client.send(text: #"42["leave-me"]"#)
        #expect(try client.texts() == ["41"])
        #expect(h.log.entries.last == "disconnect server namespace disconnect rooms 0")
        #expect(client.isActive)
    }

    @Test func disconnectWithCloseLeavesEveryNamespace() throws {
        let h = SocketIOHarness()
        recording(h)
        let log = h.log
        h.io.of("/b").onConnection { socket in socket.onDisconnect { reason in log.add("b \(reason.rawValue)") } }
        let (client, _) = try h.connected()
        try client.send(text: "40/b,")
        _ = try client.texts()
        try client.send(text: #"42["close-me"]"#)
        let texts = try client.texts()
        #expect(Set(texts) == ["41", "41/b,"])
        #expect(!client.isActive)
        #expect(h.log.entries.contains("disconnect server namespace disconnect rooms 0"))
        #expect(h.log.entries.contains("b server namespace disconnect"))
    }

    @Test func transportClose() throws {
        let h = SocketIOHarness()
        recording(h)
        let (client, _) = try h.connected()
        try client.channel.close().wait()
        h.loop.run()
        #expect(h.log.entries == ["disconnecting transport close rooms 2", "disconnect transport close rooms 0"])
    }

    @Test func pingTimeout() throws {
        let h = SocketIOHarness { $0.engine.pingInterval = .milliseconds(300); $0.engine.pingTimeout = .milliseconds(200) }
        recording(h)
        _ = try h.connected()
        h.advance(.milliseconds(500))
        #expect(h.log.entries.last == "disconnect ping timeout rooms 0")
    }

    @Test func serverShuttingDownClosesTransportsWithoutDisconnectPackets() throws {
        let h = SocketIOHarness()
        recording(h)
        let (client, _) = try h.connected()
        let done = h.io.close()
        h.loop.run()
        try done.wait()
        #expect(h.log.entries.last == "disconnect server shutting down rooms 0")
        #expect(!(try client.texts().contains("41")))
        #expect(!client.isActive)
    }
}

@Suite struct StateRecoveryTests {
    @Test func aClientThatComesBackInTimeGetsItsSessionAndWhatItMissed() throws {
        let h = SocketIOHarness { $0.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60)) }
        let log = h.log
        h.io.onConnection { socket in
            log.add("connected recovered=\(socket.recovered) rooms=\(socket.rooms.sorted())")
            if !socket.recovered {
                socket.join("news")
                socket.data = ["name": "ada"]
            } else {
                log.add("data \(socket.data.jsonString)")
            }
        }
        let client = try h.client()
        try client.send(text: "40")
        let connect = try #require(try client.nextText())
        let fields = try JSONValue(parsing: String(connect.dropFirst(2)))
        let sid = try #require(fields["sid"]?.stringValue)
        let pid = try #require(fields["pid"]?.stringValue)
        h.io.to("news").emit("headline", 1)
        h.loop.run()
        let first = try #require(try client.nextText())
        let offset = try #require(try JSONValue(parsing: String(first.dropFirst(2)))[2]?.stringValue, "the offset is the last argument")
        try client.channel.close().wait()
        h.loop.run()
        h.io.to("news").emit("headline", 2)
        h.io.to("other").emit("not for us")
        h.loop.run()

        let back = try h.client()
        try back.send(text: #"40{"pid":"\#(pid)","offset":"\#(offset)"}"#)
        let texts = try back.texts()
        #expect(texts.first == #"40{"sid":"\#(sid)","pid":"\#(pid)"}"#)
        #expect(texts.count == 2)
        #expect(texts.last?.hasPrefix(#"42["headline",2,""#) == true)
        #expect(log.entries.last == #"data {"name":"ada"}"#)
        #expect(log.entries.contains { $0.hasPrefix("connected recovered=true") && $0.contains("news") })
    }

    @Test func anUnknownOrExpiredSessionConnectsAfresh() throws {
        let h = SocketIOHarness { $0.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60)) }
        let log = h.log
        h.io.onConnection { socket in log.add("recovered=\(socket.recovered)") }
        let client = try h.client()
        try client.send(text: #"40{"pid":"nope","offset":"nope"}"#)
        #expect(try client.nextText()?.hasPrefix("40{") == true)
        #expect(log.entries == ["recovered=false"])
    }

    @Test func aDeliberateDisconnectIsNotRecoverable() throws {
        let h = SocketIOHarness { $0.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60)) }
        let log = h.log
        h.io.onConnection { socket in log.add("recovered=\(socket.recovered)") }
        let client = try h.client()
        try client.send(text: "40")
        let connect = try #require(try client.nextText())
        let pid = try #require(try JSONValue(parsing: String(connect.dropFirst(2)))["pid"]?.stringValue)
        h.io.emit("x")
        h.loop.run()
        let event = try #require(try client.nextText())
        let offset = try #require(try JSONValue(parsing: String(event.dropFirst(2)))[1]?.stringValue)
        try client.send(text: "41")
        let back = try h.client()
        try back.send(text: #"40{"pid":"\#(pid)","offset":"\#(offset)"}"#)
        #expect(log.entries == ["recovered=false", "recovered=false"])
    }
}
