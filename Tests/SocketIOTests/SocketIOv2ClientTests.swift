import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

/// Socket.IO v2 clients (Engine.IO v3, Socket.IO protocol revision 4) on a
/// server with `allowEIO3`, as raw WebSocket clients; the packets are what
/// the reference server sends such clients.
@Suite struct SocketIOv2ClientTests {
    func harness() -> SocketIOHarness {
        let h = SocketIOHarness { $0.engine.allowEIO3 = true }
        let log = h.log
        for namespace in ["/", "/custom"] {
            h.io.of(namespace).onConnection { socket in
                log.add("\(socket.namespace.name) \(socket.id) \(socket.handshake.auth.jsonString)")
                socket.emit("auth", socket.handshake.auth)
            }
        }
        h.io.of("/custom").on("echo") { _, event in event.ack?.send(event.arguments) }
        h.io.sockets.on("echo") { _, event in event.ack?.send(event.arguments) }
        return h
    }

    /// A v2 client over WebSocket and its Engine.IO session id.
    func v2Client(_ h: SocketIOHarness) throws -> (EmbeddedClient, String) {
        let client = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        #expect(try client.upgrade("/socket.io/?EIO=3&transport=websocket").status == 101)
        let open = try #require(try client.nextText())
        #expect(open.hasPrefix("0{\"sid\":"))
        return (client, String(open.split(separator: "\"")[3]))
    }

    @Test func theMainNamespaceIsJoinedWithoutACONNECT() throws {
        let h = harness()
        let (client, sid) = try v2Client(h)
        #expect(try client.texts() == ["40", #"42["auth",{}]"#], "CONNECT without a payload, sent unasked")
        #expect(h.log.entries == ["/ \(sid) {}"], "the socket id is the session id, as the reference makes it")
    }

    @Test func otherNamespacesTakeTheirAuthFromTheQuery() throws {
        let h = harness()
        let (client, sid) = try v2Client(h)
        _ = try client.texts()
        try client.send(text: "40/custom?token=abc&x=1%202,")
        #expect(try client.texts() == ["40/custom,", #"42/custom,["auth",{"token":"abc","x":"1 2"}]"#])
        #expect(h.log.entries.last == #"/custom /custom#\#(sid) {"token":"abc","x":"1 2"}"#)
        try client.send(text: #"42/custom,5["echo","a"]"#)
        #expect(try client.texts() == [#"43/custom,5["a"]"#])
    }

    @Test func aCONNECTWithoutTheCommaAsPythonSocketIO4SendsIt() throws {
        let h = harness()
        let (client, _) = try v2Client(h)
        _ = try client.texts()
        try client.send(text: "40/custom?n=1")
        #expect(try client.texts() == ["40/custom,", #"42/custom,["auth",{"n":"1"}]"#])
    }

    @Test func aMiddlewareRefusalIsItsDataOrItsMessage() throws {
        let h = harness()
        h.io.of("/private").use { socket, next in
            guard case .string("secret")? = socket.handshake.auth["token"] else {
                return next(SocketIOConnectError("unauthorized", data: ["code": 401]))
            }
            next(nil)
        }
        h.io.of("/plain").use { _, next in next(SocketIOConnectError("go away")) }
        h.io.of("/falsy").use { _, next in next(SocketIOConnectError("no data", data: .int(0))) }
        let (client, _) = try v2Client(h)
        _ = try client.texts()
        try client.send(text: "40/private,")
        #expect(try client.texts() == [#"44/private,{"code":401}"#])
        try client.send(text: "40/plain,")
        #expect(try client.texts() == [#"44/plain,"go away""#])
        try client.send(text: "40/falsy,")
        #expect(try client.texts() == [#"44/falsy,"no data""#], "data JavaScript deems false gives the message")
        try client.send(text: "40/private?token=secret,")
        #expect(try client.texts() == ["40/private,"])
    }

    @Test func theServersOwnRefusalsKeepTheObjectForm() throws {
        let h = harness()
        let (client, _) = try v2Client(h)
        _ = try client.texts()
        try client.send(text: "40/nowhere,")
        #expect(try client.texts() == [#"44/nowhere,{"message":"Invalid namespace"}"#])
        #expect(client.isActive)
    }

    @Test func binaryEventsAndAcksUseTheSameEncodingWithV3Frames() throws {
        let h = harness()
        let (client, _) = try v2Client(h)
        _ = try client.texts()
        try client.send(text: #"451-3["echo",{"_placeholder":true,"num":0},"x"]"#)
        try client.send(binary: [4, 1, 2, 3])
        #expect(try client.messages() == [
            .text(#"461-3[{"_placeholder":true,"num":0},"x"]"#),
            .binary([4, 1, 2, 3]),
        ])
    }

    @Test func broadcastsReachV2AndV5ClientsAlike() throws {
        let h = harness()
        let (v2, _) = try v2Client(h)
        _ = try v2.texts()
        let (v5, _) = try h.connected()
        _ = try v5.texts()
        h.io.emit("news", .binary(ByteBuffer(bytes: [9])), "t")
        h.loop.run()
        #expect(try v2.messages() == [.text(#"451-["news",{"_placeholder":true,"num":0},"t"]"#), .binary([4, 9])])
        #expect(try v5.messages() == [.text(#"451-["news",{"_placeholder":true,"num":0},"t"]"#), .binary([9])])
    }

    @Test func aV2ClientOverPolling() throws {
        let h = harness()
        let polling = try EmbeddedClient(loop: h.loop, endpoints: [h.io.engine])
        try polling.request("GET", "/socket.io/?EIO=3&transport=polling")
        let handshake = try #require(try polling.response()).body
        let sid = String(handshake.split(separator: "\"")[3])
        // The handshake GET carries the OPEN, the CONNECT and the first emit.
        #expect(handshake.hasSuffix(#"2:4013:42["auth",{}]"#))
        try polling.request("POST", "/socket.io/?EIO=3&transport=polling&sid=\(sid)", body: #"16:421["echo","😀"]"#)
        #expect(try polling.response()?.status == 200)
        try polling.request("GET", "/socket.io/?EIO=3&transport=polling&sid=\(sid)")
        #expect(try polling.response()?.body == #"9:431["😀"]"#, "😀 counts two UTF-16 units")
    }
}
