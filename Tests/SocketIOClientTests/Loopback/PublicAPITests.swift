import NIOCore
import SocketIOClient
import SocketIOCore
import Synchronization
import Testing

/// The public API beyond the contract rows: sequences, typed events,
/// listener management, flags, connection sharing.
@Suite("Public API")
struct PublicAPITests {
    struct Chat: Codable, Sendable, Equatable {
        var user: String
        var text: String
        var attachment: ByteBuffer?
    }

    @Test("activity as an AsyncSequence, ended by disconnect()")
    func activitySequence() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.websocket))
        let activity = socket.activity()
        socket.open()
        var names: [String] = []
        for await element in activity {
            switch element {
            case .connect:
                names.append("connect")
                socket.emit("message", "hi")
            case .event(let event):
                names.append(event.name)
                if event.name == "message-back" { socket.disconnect() }
            case .disconnect(let reason):
                names.append(reason.rawValue)
            case .connectError(let error):
                Issue.record("unexpected \(error)")
            }
        }
        #expect(names == ["connect", "auth", "message-back", "io client disconnect"])
        try await server.stop()
    }

    @Test("sequences end when their token is turned off; the manager's events as a sequence")
    func sequencesEndOnOff() async throws {
        let server = try await InProcessServer.start()
        let manager = try Manager(url: server.url, options: .testing(.websocket))
        let managerEvents = manager.events()
        let socket = manager.socket("/")
        let activity = socket.activity()
        socket.off(activity.token)
        var count = 0
        for await _ in activity { count += 1 }
        #expect(count == 0)

        socket.open()
        var names: [ManagerEvent.Name] = []
        for await event in managerEvents {
            names.append(event.name)
            if event == .open { socket.disconnect() }
            if event.name == .close { manager.off(managerEvents.token) }
        }
        #expect(names == [.open, .close])
        try await server.stop()
    }

    @Test("typed events: Codable in and out, binary properties stay binary")
    func typedEvents() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.polling))
        defer { socket.disconnect() }
        let chats = socket.events(named: "message-back", as: Chat.self)
        let typed = Recorder<Chat>()
        socket.on("echo", as: Chat.self) { chat, _ in typed.append(chat) }
        socket.open()
        let chat = Chat(user: "ann", text: "hi", attachment: ByteBuffer(bytes: [9, 8, 7]))
        try socket.emit("message", encoding: chat)
        var iterator = chats.makeAsyncIterator()
        #expect(try await iterator.next() == chat)
        #expect(try await socket.emitWithAck("echo", encoding: chat, decoding: Chat.self) == chat)
        try socket.emit("echo", encoding: chat)
        #expect(try await typed.next("typed echo") { _ in true } == chat)
        try await server.stop()
    }

    @Test("once, off, onAny order, outgoing listeners, reserved names, volatile")
    func listenersAndFlags() async throws {
        let server = try await InProcessServer.start()
        let socket = try io(server.url, options: .testing(.websocket))
        defer { socket.disconnect() }
        let log = Recorder<String>()
        socket.onAny { log.append("any:\($0.name)") }
        socket.prependAny { log.append("first:\($0.name)") }
        socket.once("message-back") { log.append("once:\($0.arguments)") }
        let removed = socket.on("message-back") { _ in log.append("removed") }
        socket.off(removed)
        socket.onAnyOutgoing { log.append("out:\($0.name)") }
        socket.volatile.emit("message", "dropped: not connected")
        let seen = Recorder(recording: socket)
        socket.open()
        try await seen.connected()

        socket.emit("message", 1)
        socket.emit("message", 2)
        try await seen.event("message-back")
        try await seen.event("message-back")
        #expect(log.all.filter { !$0.contains("auth") } == [
            "out:message", "out:message",
            "first:message-back", "any:message-back", "once:[1]",
            "first:message-back", "any:message-back",
        ])

        await #expect(throws: SocketIOClientError.self) { try await socket.emitWithAck("disconnect") }
        socket.volatile.emit("message", "sent: connected")
        #expect(try await seen.event("message-back").arguments == ["sent: connected"])
        try await server.stop()
    }

    @Test("the server's ack timeout when the client does not answer; the client's own ack timeout")
    func ackTimeouts() async throws {
        let server = try await InProcessServer.start(extra: { socket in
            socket.on("never-acked") { _ in }
        })
        let socket = try io(server.url, options: .testing(.websocket))
        defer { socket.disconnect() }
        socket.open()
        #expect(try await socket.emitWithAck("ask", "unanswered") == [["error": "timeout"]])
        await #expect(throws: SocketIOClientError(code: .ackTimeout, message: "operation has timed out")) {
            try await socket.timeout(.milliseconds(100)).emitWithAck("never-acked")
        }
        try await server.stop()
    }

    @Test("io() shares a connection between namespaces unless forceNew or multiplex says otherwise")
    func connectionSharing() async throws {
        let server = try await InProcessServer.start()
        let main = try io(server.url, options: .testing())
        let custom = try io(server.url + "/custom", options: .testing())
        #expect(main.manager === custom.manager)
        #expect(custom.namespace == "/custom")
        let again = try io(server.url + "/custom", options: .testing())
        #expect(again.manager !== custom.manager)
        var separate = ClientOptions.testing()
        separate.forceNew = true
        #expect(try io(server.url, options: separate).manager !== main.manager)
        separate.forceNew = false
        separate.multiplex = false
        #expect(try io(server.url, options: separate).manager !== main.manager)
        #expect(throws: SocketIOClientError.self) { try io("ftp://127.0.0.1:1") }

        let mainSeen = Recorder(recording: main)
        let customSeen = Recorder(recording: custom)
        custom.open()
        main.open()
        try await customSeen.connected()
        try await mainSeen.connected()
        #expect(try await customSeen.event("auth").arguments == [[:]])
        #expect(try await main.emitWithAck("echo", "shared") == ["shared"])
        main.disconnect()
        #expect(main.manager.isOpen)  // /custom still uses the connection
        custom.disconnect()
        try await server.stop()
    }

    @Test("permessage-deflate both ways, against our server and python's", arguments: PeerKind.allCases)
    func deflate(peer: PeerKind) async throws {
        let big = String(repeating: "compressible text, ", count: 5_000)
        let run: @Sendable (String) async throws -> Void = { url in
            let socket = try io(url, options: .testing(.websocket))
            defer { socket.disconnect() }
            let seen = Recorder(recording: socket)
            socket.open()
            try await seen.connected()
            socket.emit("message", .string(big))
            #expect(try await seen.event("message-back").arguments == [.string(big)])
            socket.compress(false).emit("message", .string(big))
            #expect(try await seen.event("message-back").arguments == [.string(big)])
            #expect(try await socket.emitWithAck("echo", .string(big), .binary(ByteBuffer(string: big))) == [.string(big), .binary(ByteBuffer(string: big))])
        }
        switch peer {
        case .huddle:
            let server = try await InProcessServer.start { $0.engine.perMessageDeflate = .init(threshold: 1024) }
            try await run(server.url)
            try await server.stop()
        case .python:
            let python = try await PythonPeer.start(arguments: ["--per-message-deflate"])
            defer { python.stop() }
            try await run(python.url)
        }
    }
}
