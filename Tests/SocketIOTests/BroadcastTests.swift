import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

@Suite struct BroadcastTests {
    /// Three clients; a, b in "red", c in "blue".
    func threeClients(_ h: SocketIOHarness) throws -> [EmbeddedClient] {
        h.io.onConnection { socket in
            socket.on("join") { event in
                if case .string(let room)? = event.arguments.first { socket.join(room) }
                event.ack?.send([])
            }
        }
        var clients: [EmbeddedClient] = []
        for room in ["red", "red", "blue"] {
            let (client, _) = try h.connected()
            try client.send(text: #"421["join","\#(room)"]"#)
            #expect(try client.texts() == ["431[]"])
            clients.append(client)
        }
        return clients
    }

    @Test func toExceptAndAll() throws {
        let h = SocketIOHarness()
        let clients = try threeClients(h)
        h.io.to("red").emit("r", 1)
        h.io.sockets.except("red").emit("notred")
        h.io.emit("all")
        h.io.sockets.to("red", "blue").except("blue").emit("mix")
        h.loop.run()
        #expect(try clients[0].texts() == [#"42["r",1]"#, #"42["all"]"#, #"42["mix"]"#])
        #expect(try clients[1].texts() == [#"42["r",1]"#, #"42["all"]"#, #"42["mix"]"#])
        #expect(try clients[2].texts() == [#"42["notred"]"#, #"42["all"]"#])
    }

    @Test func aBroadcastIsEncodedOnceForEveryRecipient() throws {
        let h = SocketIOHarness()
        let clients = try threeClients(h)
        h.io.emit("shared", .string(String(repeating: "x", count: 100)))
        h.loop.run()
        // The same bytes, in the same memory, reach every connection.
        var addresses: Set<Int> = []
        for client in clients {
            while let part = try client.channel.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let bytes) = part else { continue }
                let address = bytes.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
                addresses.insert(address)
            }
        }
        #expect(addresses.count == 1)
    }

    @Test func socketBroadcastExcludesTheSender() throws {
        let h = SocketIOHarness()
        h.io.onConnection { socket in
            socket.on("shout") { _ in socket.broadcast.emit("heard") }
        }
        let (a, _) = try h.connected()
        let (b, _) = try h.connected()
        try a.send(text: #"42["shout"]"#)
        #expect(try a.texts() == [])
        #expect(try b.texts() == [#"42["heard"]"#])
    }

    @Test func broadcastWithAcksCollectsEveryAnswer() throws {
        let h = SocketIOHarness()
        let clients = try threeClients(h)
        let log = h.log
        h.io.sockets.to("red").timeout(.seconds(1)).emit("vote", arguments: []) { error, answers in
            log.add("\(String(describing: error)) \(answers.count)")
        }
        h.loop.run()
        let first = try clients[0].texts()
        #expect(first.count == 1 && first[0].hasSuffix(#"["vote"]"#))
        let id = first[0].dropFirst(2).prefix { $0.isNumber }
        #expect(try clients[1].texts() == first, "one packet, one id, for every recipient")
        try clients[0].send(text: "43\(id)[\"yes\"]")
        #expect(log.entries.isEmpty)
        try clients[1].send(text: "43\(id)[\"no\"]")
        #expect(log.entries == ["nil 2"])
    }

    @Test func broadcastWithAcksTimesOutWithPartialAnswers() throws {
        let h = SocketIOHarness()
        let clients = try threeClients(h)
        let log = h.log
        h.io.sockets.timeout(.seconds(1)).emit("vote", arguments: []) { error, answers in
            log.add("\(String(describing: error)) \(answers.count)")
        }
        h.loop.run()
        let id = try clients[0].texts()[0].dropFirst(2).prefix { $0.isNumber }
        try clients[0].send(text: "43\(id)[\"yes\"]")
        h.advance(.seconds(1))
        #expect(log.entries == ["Optional(SocketIO.SocketIOAckError.timeout) 1"])
    }

    @Test func volatileIsDroppedForClientsThatAreNotReady() throws {
        let h = SocketIOHarness()
        // a polling client with no GET waiting is not ready
        let (polling, sid) = try h.pollingClient()
        h.io.sockets.volatile.emit("tick", 1)
        h.io.emit("reliable", 2)
        h.loop.run()
        try polling.request("GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        #expect(try polling.response()?.body == #"42["reliable",2]"#)
    }

    @Test func fetchSocketsJoinLeaveAndDisconnect() throws {
        let h = SocketIOHarness()
        let clients = try threeClients(h)
        let future = h.io.sockets.adapter.fetchSockets(h.io.sockets.in("red").options, on: h.loop)
        h.loop.run()
        let red = try future.wait()
        #expect(red.count == 2)
        #expect(red.allSatisfy { $0.rooms.contains("red") && $0.rooms.first == $0.id })
        h.io.sockets.in("blue").socketsJoin("green")
        h.io.sockets.in("red").socketsLeave("red")
        h.loop.run()
        h.io.to("green").emit("g")
        h.io.to("red").emit("r")
        h.loop.run()
        #expect(try clients[2].texts() == [#"42["g"]"#])
        #expect(try clients[0].texts() == [])
        h.io.sockets.in("green").disconnectSockets()
        h.loop.run()
        #expect(try clients[2].texts() == ["41"])
        #expect(clients[2].isActive, "the connection stays; only the namespace is left")
    }
}
