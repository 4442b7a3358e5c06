import NIOCore
import Testing
import HuddleTestSupport
import SocketIO
import SocketIOCore

/// A prepared binary event is the same packet on the wire as an ordinary
/// emit, on every path: the fast one, and the fallbacks (outgoing listeners,
/// another namespace, state recovery).
@Suite struct PreparedEventTests {
    static var expected: [EmbeddedClient.Message] { [
        .text(#"451-["delta",{"_placeholder":true,"num":0}]"#),
        .binary([7, 8, 9]),
    ] }

    @Test func aPreparedEventIsAnOrdinaryBinaryEventOnTheWire() throws {
        let h = SocketIOHarness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        h.io.onConnection { socket in
            socket.on("go") { _ in
                socket.emit(delta, attachment: ByteBuffer(bytes: [7, 8, 9]), volatile: true, compress: false)
                socket.emit("delta", .binary(ByteBuffer(bytes: [7, 8, 9])))
            }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["go"]"#)
        #expect(try client.messages() == Self.expected + Self.expected)
    }

    /// 300 bytes take the 16-bit length form inside the one buffer; 5,000
    /// are past the size copied next to the header and go as two packets.
    @Test(arguments: [300, 5_000])
    func largerAttachmentsAreFramedTheSame(size: Int) throws {
        let h = SocketIOHarness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        h.io.onConnection { socket in
            socket.on("go") { _ in socket.emit(delta, attachment: ByteBuffer(bytes: bytes), volatile: true, compress: false) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["go"]"#)
        #expect(try client.messages() == [.text(#"451-["delta",{"_placeholder":true,"num":0}]"#), .binary(bytes)])
    }

    @Test func inACustomNamespaceTheHeaderNamesIt() throws {
        let h = SocketIOHarness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/rooms")
        h.io.of("/rooms").onConnection { socket in
            socket.on("go") { _ in socket.emit(delta, attachment: ByteBuffer(bytes: [1])) }
        }
        let (client, _) = try h.connected("/rooms")
        try client.send(text: #"42/rooms,["go"]"#)
        #expect(try client.messages() == [
            .text(#"451-/rooms,["delta",{"_placeholder":true,"num":0}]"#),
            .binary([1]),
        ])
    }

    @Test func outgoingListenersStillHearIt() throws {
        let h = SocketIOHarness()
        let log = h.log
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        h.io.onConnection { socket in
            socket.onAnyOutgoing { name, arguments in log.add("out \(name) \(arguments)") }
            socket.on("go") { _ in socket.emit(delta, attachment: ByteBuffer(bytes: [7, 8, 9])) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["go"]"#)
        #expect(try client.messages() == Self.expected)
        #expect(log.entries.count == 1)
        #expect(log.entries.first?.hasPrefix("out delta") == true)
    }

    @Test func anEventPreparedForAnotherNamespaceIsSentInThisOne() throws {
        let h = SocketIOHarness()
        let elsewhere = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/other")
        h.io.onConnection { socket in
            socket.on("go") { _ in socket.emit(elsewhere, attachment: ByteBuffer(bytes: [7, 8, 9])) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["go"]"#)
        #expect(try client.messages() == Self.expected)
    }

    @Test func withStateRecoveryAReliableOneIsKeptForTheClient() throws {
        let h = SocketIOHarness { $0.connectionStateRecovery = ConnectionStateRecovery(maxDisconnectionDuration: .seconds(60)) }
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        h.io.onConnection { socket in
            socket.on("go") { _ in socket.emit(delta, attachment: ByteBuffer(bytes: [7, 8, 9])) }
        }
        let (client, _) = try h.connected()
        try client.send(text: #"42["go"]"#)
        let messages = try client.messages()
        // Through the adapter: the packet carries its recovery offset.
        guard case .text(let header)? = messages.first else {
            Issue.record("no header: \(messages)")
            return
        }
        #expect(header.hasPrefix(#"451-["delta",{"_placeholder":true,"num":0},""#))
        #expect(messages.dropFirst().first == .binary([7, 8, 9]))
    }

    @Test func overPollingItIsTheSameTwoPackets() throws {
        let h = SocketIOHarness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        nonisolated(unsafe) var kept: SocketIOSocket?
        h.io.onConnection { socket in kept = socket }
        let (polling, sid) = try h.pollingClient()
        kept?.emit(delta, attachment: ByteBuffer(bytes: [7, 8, 9]))
        try polling.request("GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        // The header, then the attachment as base64 ("b" prefix), 0x1e between.
        #expect(try polling.response()?.body == "451-[\"delta\",{\"_placeholder\":true,\"num\":0}]\u{1e}bBwgJ")
    }

    @Test func aDisconnectedSocketSendsNothing() throws {
        let h = SocketIOHarness()
        let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/")
        nonisolated(unsafe) var kept: SocketIOSocket?
        h.io.onConnection { socket in kept = socket }
        let (client, _) = try h.connected()
        try client.send(text: "41")
        _ = try client.messages()
        kept?.emit(delta, attachment: ByteBuffer(bytes: [1]))
        #expect(try client.messages() == [])
    }
}
