import NIOCore
import Testing
import HuddleTestSupport
import MessagePack
import SocketIO
import SocketIOCore
import SocketIOMessagePack

/// A server with `parser = .msgpack`, driven by raw WebSocket clients that
/// send and read msgpack packets (one binary message each).
@Suite struct MessagePackParserTests {
    static func harness() -> SocketIOHarness {
        SocketIOHarness { $0.parser = .msgpack }
    }

    /// A client joined to `namespace` with the msgpack parser; returns it and its socket id.
    static func connected(_ h: SocketIOHarness, _ namespace: String = "/", auth: MessagePackValue = .map([])) throws -> (EmbeddedClient, String) {
        let client = try h.client()
        try client.send(binary: bytes(["type": 0, "data": auth, "nsp": .string(namespace)]))
        let answer = try #require(try packets(client).first)
        #expect(answer.type == .connect && answer.namespace == namespace)
        return (client, try #require(answer.data?["sid"]?.stringValue))
    }

    static func bytes(_ value: MessagePackValue) -> [UInt8] {
        Array(MessagePackEncoder().encode(value).readableBytesView)
    }

    /// The packets the server wrote since the last read; every message must be binary.
    static func packets(_ client: EmbeddedClient) throws -> [SocketIOPacket] {
        try client.messages().map { message in
            guard case .binary(let bytes) = message else {
                Issue.record("a text message from a msgpack server: \(message)")
                return SocketIOPacket(type: .disconnect)
            }
            return try SocketIOMessagePackDecoder().decode(ByteBuffer(bytes: bytes))
        }
    }

    @Test func connectAnswersWithTheSidInMsgpack() throws {
        let h = Self.harness()
        let log = h.log
        h.io.onConnection { socket in log.add("auth \(socket.handshake.auth)") }
        let (_, sid) = try Self.connected(h, auth: ["token": "abc"])
        #expect(!sid.isEmpty)
        #expect(log.entries == [#"auth {"token":"abc"}"#])
    }

    @Test func binaryArgumentsReachHandlersAsBinaryAndComeBackInline() throws {
        let h = Self.harness()
        let log = h.log
        h.io.sockets.on("echo") { socket, event in
            log.add("args \(event.arguments)")
            #expect(event.arguments.first == .binary(ByteBuffer(bytes: [1, 2, 3])))
            event.ack?.send(event.arguments)
            socket.emit("echo", arguments: event.arguments)
        }
        let (client, _) = try Self.connected(h)
        try client.send(binary: Self.bytes([
            "type": 2, "data": ["echo", .binary(ByteBuffer(bytes: [1, 2, 3])), ["k": 1.5]], "nsp": "/", "id": 9,
        ]))
        let arguments: [JSONValue] = [.binary(ByteBuffer(bytes: [1, 2, 3])), ["k": 1.5]]
        #expect(try Self.packets(client) == [
            .ack(arguments, ackID: 9),
            .event("echo", arguments),
        ])
        #expect(log.entries.count == 1)
    }

    @Test func aBroadcastIsEncodedOnceForEveryRecipient() throws {
        let h = Self.harness()
        let clients = try (0..<3).map { _ in try Self.connected(h).0 }
        h.io.emit("shared", .binary(ByteBuffer(repeating: 7, count: 100)))
        h.loop.run()
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

    @Test func roomsAndBroadcastReachTheirMembers() throws {
        let h = Self.harness()
        h.io.sockets.on("join") { socket, event in
            if case .string(let room)? = event.arguments.first { socket.join(room) }
            event.ack?.send([])
        }
        let clients = try (0..<3).map { _ in try Self.connected(h).0 }
        for (index, client) in clients.enumerated() where index < 2 {
            try client.send(binary: Self.bytes(["type": 2, "data": ["join", "red"], "nsp": "/", "id": 1]))
            #expect(try Self.packets(client) == [.ack([], ackID: 1)])
        }
        h.io.to("red").emit("r", .binary(ByteBuffer(bytes: [5])))
        h.loop.run()
        #expect(try Self.packets(clients[0]) == [.event("r", [.binary(ByteBuffer(bytes: [5]))])])
        #expect(try Self.packets(clients[1]) == [.event("r", [.binary(ByteBuffer(bytes: [5]))])])
        #expect(try Self.packets(clients[2]) == [])
    }

    @Test func aRefusedNamespaceGetsConnectErrorInMsgpack() throws {
        let h = Self.harness()
        h.io.of("/private").use { _, next in next(SocketIOConnectError("unauthorized", data: ["code": 401])) }
        let client = try h.client()
        try client.send(binary: Self.bytes(["type": 0, "data": .map([]), "nsp": "/private"]))
        try client.send(binary: Self.bytes(["type": 0, "data": .map([]), "nsp": "/nowhere"]))
        #expect(try Self.packets(client) == [
            .connectError(message: "unauthorized", data: ["code": 401], namespace: "/private"),
            .connectError(message: "Invalid namespace", namespace: "/nowhere"),
        ])
        #expect(client.isActive)
    }

    @Test func aPreparedEventFallsBackToAnOrdinaryMsgpackEmit() throws {
        let h = Self.harness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        h.io.sockets.on("go") { socket, _ in
            socket.emit(delta, attachment: ByteBuffer(bytes: [7, 8]), volatile: true, compress: false)
        }
        let (client, _) = try Self.connected(h)
        try client.send(binary: Self.bytes(["type": 2, "data": ["go"], "nsp": "/"]))
        #expect(try Self.packets(client) == [.event("delta", [.binary(ByteBuffer(bytes: [7, 8]))])])
    }

    @Test func pythonsDisconnectWithNilDataLeavesTheNamespace() throws {
        let h = Self.harness()
        let log = h.log
        h.io.onConnection { socket in socket.onDisconnect { reason in log.add(reason.rawValue) } }
        let (client, _) = try Self.connected(h)
        try client.send(binary: Self.bytes(["type": 1, "data": nil, "nsp": "/"]))
        #expect(log.entries == ["client namespace disconnect"])
        #expect(client.isActive)
    }

    @Test(arguments: [
        [UInt8](repeating: 0xC1, count: 1),                       // not msgpack
        [0x92, 0x02, 0xA1, 0x2F],                                 // not a map
        Array(#"42["a"]"#.utf8),                                  // default-parser text, sent as binary
    ])
    func malformedPacketsCloseTheConnection(message: [UInt8]) throws {
        let h = Self.harness()
        let log = h.log
        h.io.onConnection { socket in socket.onDisconnect { reason in log.add(reason.rawValue) } }
        let (client, _) = try Self.connected(h)
        try client.send(binary: message)
        #expect(!client.isActive)
        #expect(log.entries == ["parse error"])
    }

    @Test func aTextMessageClosesTheConnection() throws {
        let h = Self.harness()
        let log = h.log
        h.io.onConnection { socket in socket.onDisconnect { reason in log.add(reason.rawValue) } }
        let (client, _) = try Self.connected(h)
        try client.send(text: #"42["a"]"#)
        #expect(!client.isActive)
        #expect(log.entries == ["parse error"])
    }
}
