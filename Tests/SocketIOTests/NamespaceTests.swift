import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

@Suite struct NamespaceTests {
    @Test func connectToTheMainNamespaceWithAuth() throws {
        let h = SocketIOHarness()
        let log = h.log
        h.io.onConnection { socket in
            log.add("auth \(socket.handshake.auth.jsonString) recovered \(socket.recovered)")
            socket.emit("auth", socket.handshake.auth)
        }
        let (client, sid) = try h.connected(auth: #"{"token":"123"}"#)
        #expect(sid.utf8.count == 15)
        #expect(try client.texts() == [#"42["auth",{"token":"123"}]"#])
        #expect(log.entries == [#"auth {"token":"123"} recovered false"#])
    }

    @Test func unknownNamespaceIsRefused() throws {
        let h = SocketIOHarness()
        let client = try h.client()
        try client.send(text: "40/random,")
        #expect(try client.texts() == [#"44/random,{"message":"Invalid namespace"}"#])
        #expect(client.isActive)
    }

    @Test func middlewareRefusalCarriesMessageAndData() throws {
        let h = SocketIOHarness()
        h.io.of("/private").use { socket, next in
            guard case .string("secret")? = socket.handshake.auth["token"] else {
                return next(SocketIOConnectError("unauthorized", data: ["code": 401]))
            }
            next(nil)
        }
        let client = try h.client()
        try client.send(text: #"40/private,{"token":"nope"}"#)
        #expect(try client.texts() == [#"44/private,{"message":"unauthorized","data":{"code":401}}"#])
        try client.send(text: #"40/private,{"token":"secret"}"#)
        #expect(try client.texts().first?.hasPrefix("40/private,{\"sid\":") == true)
    }

    @Test func middlewaresRunInOrderAndMayAnswerLater() throws {
        let h = SocketIOHarness()
        let log = h.log
        let held = HeldNext()
        h.io.use { _, next in log.add("first"); next(nil) }
        h.io.use { _, next in log.add("second"); held.next = next }
        h.io.onConnection { _ in log.add("connected") }
        let client = try h.client()
        try client.send(text: "40")
        #expect(try client.texts().isEmpty, "the second middleware has not answered yet")
        held.next?(nil)
        h.loop.run()
        #expect(try client.texts().first?.hasPrefix("40{") == true)
        #expect(log.entries == ["first", "second", "connected"])
    }

    @Test func dynamicNamespacesAndTheirParent() throws {
        let h = SocketIOHarness { $0.cleanupEmptyChildNamespaces = true }
        let log = h.log
        let parent = h.io.of { name, _ in name.hasPrefix("/workspace-") }
        parent.use { socket, next in log.add("parent middleware \(socket.namespace.name)"); next(nil) }
        parent.onConnection { socket in socket.emit("hello", .string(socket.namespace.name)) }
        let (a, _) = try h.connected("/workspace-1")
        #expect(try a.texts() == [#"42/workspace-1,["hello","/workspace-1"]"#])
        let (b, _) = try h.connected("/workspace-2")
        _ = try b.texts()
        #expect(h.io.namespaceNames.contains("/workspace-2"))
        parent.emit("all", "x")
        h.loop.run()
        #expect(try a.texts() == [#"42/workspace-1,["all","x"]"#])
        #expect(try b.texts() == [#"42/workspace-2,["all","x"]"#])
        #expect(log.entries == ["parent middleware /workspace-1", "parent middleware /workspace-2"])
        // an empty child is forgotten
        try b.send(text: "41/workspace-2,")
        #expect(!h.io.namespaceNames.contains("/workspace-2"))
        #expect(h.io.namespaceNames.contains("/workspace-1"))
    }

    @Test func aParentsEventHandlersServeEveryChildBeforeItsOwn() throws {
        let h = SocketIOHarness()
        let log = h.log
        let parent = h.io.of { name, _ in name.hasPrefix("/workspace-") }
        parent.on("ping") { socket, event in
            log.add("parent \(socket.namespace.name)")
            event.ack?.send([.string(socket.namespace.name)])
        }
        let (a, _) = try h.connected("/workspace-1")
        h.io.of("/workspace-1").on("ping") { socket, _ in log.add("child \(socket.namespace.name)") }
        try a.send(text: #"42/workspace-1,7["ping"]"#)
        #expect(try a.texts() == [#"43/workspace-1,7["/workspace-1"]"#])
        // A child made after the handler was added gets it too.
        let (b, _) = try h.connected("/workspace-2")
        try b.send(text: #"42/workspace-2,8["ping"]"#)
        #expect(try b.texts() == [#"43/workspace-2,8["/workspace-2"]"#])
        // Other namespaces do not.
        _ = h.io.of("/elsewhere")
        let (c, _) = try h.connected("/elsewhere")
        try c.send(text: #"42/elsewhere,9["ping"]"#)
        #expect(try c.texts() == [])
        #expect(log.entries == ["parent /workspace-1", "child /workspace-1", "parent /workspace-2"])
    }

    @Test func aFloodOfConnectsIsBounded() throws {
        let h = SocketIOHarness {
            $0.cleanupEmptyChildNamespaces = true
            $0.maxNamespacesPerConnection = 4
        }
        _ = h.io.of { _, _ in true }
        let client = try h.client()
        for index in 0..<50 { try client.send(text: "40/n\(index),") }
        let answers = try client.texts()
        #expect(answers.filter { $0.hasPrefix("40/") }.count == 4)
        #expect(answers.filter { $0.contains(#""message":"Too many namespaces""#) }.count == 46)
        #expect(h.io.namespaceNames.count == 5, "the main namespace and four children")
        try client.channel.close().wait()
        h.loop.run()
        #expect(h.io.namespaceNames == ["/"], "children are cleaned up once empty")
    }

    @Test func connectTimeoutClosesAnIdleConnection() throws {
        let h = SocketIOHarness { $0.connectTimeout = .milliseconds(1000) }
        let client = try h.client()
        h.advance(.milliseconds(999))
        #expect(client.isActive)
        h.advance(.milliseconds(1))
        #expect(!client.isActive)
    }

    @Test func aConnectedClientIsNotClosedByTheConnectTimeout() throws {
        let h = SocketIOHarness { $0.connectTimeout = .milliseconds(1000) }
        let (client, _) = try h.connected()
        h.advance(.seconds(2))
        #expect(client.isActive)
    }
}

final class HeldNext: @unchecked Sendable {
    var next: ((SocketIOConnectError?) -> Void)?
}
