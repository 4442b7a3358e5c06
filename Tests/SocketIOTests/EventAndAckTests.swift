import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

@Suite struct EventAndAckTests {
    @Test func eventsWithAnAckAreAnswered() throws {
        let h = SocketIOHarness()
        h.io.onConnection { socket in
            socket.on("sum") { event in
                event.ack?(.int(event.arguments.compactMap(\.int64Value).reduce(0, +)))
            }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"4212["sum",1,2,3]"#)
        #expect(try client.texts() == ["4312[6]"])
    }

    @Test func binaryArgumentsRoundTripAtAnyDepth() throws {
        let h = SocketIOHarness()
        h.io.onConnection { socket in
            socket.on("echo") { event in event.ack?.send(event.arguments) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"452-7["echo",{"a":[{"_placeholder":true,"num":1}]},{"_placeholder":true,"num":0}]"#)
        try client.send(binary: [1, 2, 3])
        try client.send(binary: [4, 5])
        let messages = try client.messages()
        #expect(messages == [
            .text(#"462-7[{"a":[{"_placeholder":true,"num":0}]},{"_placeholder":true,"num":1}]"#),
            .binary([4, 5]),
            .binary([1, 2, 3]),
        ])
    }

    @Test func serverToClientAcksAndTheirTimeout() throws {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            socket.emit("question", arguments: ["a"]) { result in log.add("first \(result)") }
            socket.timeout(.seconds(2)).emit("question", arguments: ["b"]) { result in log.add("second \(result)") }
        }
        let (client, _) = try h.connected()
        #expect(try client.texts() == [#"420["question","a"]"#, #"421["question","b"]"#])
        try client.send(text: #"430["yes",1]"#)
        #expect(log.entries == [#"first success(["yes", 1])"#])
        h.advance(.seconds(2))
        #expect(log.entries.last == "second failure(SocketIO.SocketIOAckError.timeout)")
        try client.send(text: #"431["too late"]"#)  // no pending ack: ignored
        #expect(client.isActive)
        #expect(log.entries.count == 2)
    }

    @Test func pendingAcksFailWhenTheSocketLeaves() throws {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            socket.emit("q", arguments: []) { result in log.add("\(result)") }
        }
        let (client, _) = try h.connected()
        try client.send(text: "41")
        #expect(log.entries == ["failure(SocketIO.SocketIOAckError.disconnected)"])
    }

    @Test func typedEventsBothWays() throws {
        struct Move: Codable, Equatable { var x: Int; var y: Int; var label: String? }
        let h = SocketIOHarness()
        h.io.onConnection { socket in
            socket.on("move", as: Move.self) { move, ack in
                try? ack?.send(payload: Move(x: move.x + 1, y: move.y + 1, label: nil))
                try? socket.emit("moved", payload: move)
            }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"423["move",{"x":1,"y":2,"label":"a"}]"#)
        #expect(try client.texts() == [#"433[{"x":2,"y":3}]"#, #"42["moved",{"x":1,"y":2,"label":"a"}]"#])
    }

    @Test func listenersOnceOffAnyAndOutgoing() throws {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            socket.once("ping") { _ in log.add("once") }
            let removed = socket.on("ping") { _ in log.add("removed") }
            socket.on("ping") { _ in log.add("on") }
            socket.removeListener(removed)
            socket.onAny { event in log.add("any \(event.name)") }
            socket.prependAny { event in log.add("first \(event.name)") }
            socket.onAnyOutgoing { name, args in log.add("out \(name) \(args.count)") }
            socket.on("off") { _ in socket.off("ping"); socket.offAny() }
            socket.on("say") { _ in socket.emit("said", 1, 2) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["ping"]"#)
        try client.send(text: #"42["ping"]"#)
        try client.send(text: #"42["say"]"#)
        try client.send(text: #"42["off"]"#)
        try client.send(text: #"42["ping"]"#)
        #expect(log.entries == [
            "first ping", "any ping", "once", "on",
            "first ping", "any ping", "on",
            "first say", "any say", "out said 2",
            "first off", "any off",
        ])
    }

    @Test func anAttachmentServesNamespaceHandlersAndIsReleasedAtDisconnect() throws {
        final class Player {
            var moves = 0
        }
        let h = SocketIOHarness()
        nonisolated(unsafe) weak var player: Player?
        h.io.sockets.onConnection { socket in
            let created = Player()
            player = created
            socket.attachment = created
        }
        h.io.sockets.on("move") { socket, event in
            guard let player = socket.attachment as? Player else { return }
            player.moves += 1
            event.ack?.send([.int(Int64(player.moves))])
        }
        let (client, _) = try h.connected()
        try client.send(text: #"421["move"]"#)
        try client.send(text: #"422["move"]"#)
        #expect(try client.texts() == [#"431[1]"#, #"432[2]"#])
        #expect(player != nil, "kept by the socket")
        try client.send(text: "41")
        h.loop.run()
        #expect(player == nil, "released when the socket left")
    }

    @Test func eventMiddlewareCanRefuse() throws {
        let h = SocketIOHarness()
        let log = h.log
        struct Refused: Error {}
        h.io.onConnection { socket in
            socket.use { event, next in next(event.name == "secret" ? Refused() : nil) }
            socket.onError { error in log.add("error \(error is Refused)") }
            socket.on("secret") { _ in log.add("secret delivered") }
            socket.on("open") { _ in log.add("open delivered") }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["secret"]"#)
        try client.send(text: #"42["open"]"#)
        #expect(log.entries == ["error true", "open delivered"])
    }
}

/// Malformed input: each case closes the connection cleanly with reason
/// "parse error" and leaks nothing.
@Suite struct BadInputTests {
    @Test(arguments: [
        ["4abc"],                                  // unknown packet type
        ["42[\"a\""],                              // bad JSON
        ["42{}"],                                  // event not an array
        ["42[]"],                                  // event without a name
        ["42[{}]"],                                // name not a string
        ["42abc[\"a\"]"],                          // invalid ack id
        ["44{\"message\":\"x\"}"],                 // CONNECT_ERROR from a client
        ["451-[\"a\",{\"_placeholder\":true,\"num\":0}]", "bin", "bin"],  // more attachments than announced
        ["452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "bin", "42[\"b\"]"],  // fewer
        ["4511-[\"a\"]"],                          // over the attachment limit
        ["451-[\"a\",{\"_placeholder\":true,\"num\":5}]", "bin"],  // placeholder out of range
    ])
    func malformedPacketsCloseTheConnection(messages: [String]) throws {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            socket.onDisconnect { reason in log.add(reason.rawValue) }
            socket.onAny { event in log.add("event \(event.name)") }
        }
        let (client, _) = try h.connected()
        for message in messages {
            if message == "bin" { try client.send(binary: [9]) } else { try client.send(text: message) }
        }
        #expect(!client.isActive)
        // With one attachment too many, the packet itself was complete and
        // delivered; the extra binary message is what breaks the protocol.
        let delivered = messages == ["451-[\"a\",{\"_placeholder\":true,\"num\":0}]", "bin", "bin"] ? ["event a"] : []
        #expect(log.entries == delivered + ["parse error"])
        let count = h.io.engine.sessionCount()
        h.loop.run()
        #expect(try count.wait() == 0)
    }

    @Test func packetsForANamespaceNotJoinedAreIgnored() throws {
        let h = SocketIOHarness()
        _ = h.io.of("/other")
        let (client, _) = try h.connected()
        try client.send(text: #"42/other,["x"]"#)
        try client.send(text: "43/other,5[]")
        #expect(client.isActive)
    }
}
