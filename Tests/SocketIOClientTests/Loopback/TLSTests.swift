import Foundation
import NIOPosix
import SocketIOClient
import Testing

/// https/wss: our server behind TLS with a CA and a certificate made in
/// the test, the client trusting that CA. Every failure case must end in a
/// clear error (`tlsFailed` with the reason), never in a hang: the awaited
/// connects carry a timeout that would fail the test instead.
@Suite("TLS")
struct TLSTests {
    /// Options that trust `ca` and do not reconnect (a failure is final).
    static func options(_ mode: TransportMode, trusting ca: String?) -> ClientOptions {
        var options = ClientOptions.testing(mode)
        options.reconnection = false
        if let ca { options.tls.trustRoots = .pem(ca) }
        return options
    }

    /// What an echo of binary and Codable values must give back.
    struct Upload: Codable, Sendable, Equatable {
        var name: String
        var bytes: Data
    }

    @Test("https/wss with a test CA: connect, ack, binary, Codable with Data", arguments: TransportMode.allCases)
    func echoOverTLS(mode: TransportMode) async throws {
        let pki = try TestPKI()
        let server = try await TLSServer.start(certificate: try pki.server())
        let manager = try Manager(url: server.url, options: Self.options(mode, trusting: pki.caPEM))
        let socket = manager.socket("/")
        let upgraded = Recorder<ClientTransport>()
        manager.on(.upgrade) { event in
            if case .upgrade(let transport) = event { upgraded.append(transport) }
        }
        try await socket.connect(timeout: .seconds(20))
        #expect(socket.isConnected)

        let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        let echoed = try await socket.timeout(.seconds(20)).emitWithAck("echo", Upload(name: "a.bin", bytes: bytes), as: Upload.self)
        #expect(echoed == Upload(name: "a.bin", bytes: bytes))
        let raw: Data = try await socket.emitWithAck("echo", bytes)
        #expect(raw == bytes)

        if mode == .upgrade {
            _ = try await upgraded.next("upgrade to websocket") { $0 == .websocket }
            let after: Data = try await socket.timeout(.seconds(20)).emitWithAck("echo", Data([1, 2, 3]))
            #expect(after == Data([1, 2, 3]))
        }
        if mode != .upgrade { #expect(manager.transport == mode.transports.first) }
        socket.disconnect()
        try await server.stop()
    }

    @Test("a certificate from a CA the client does not trust is refused with tlsFailed", arguments: [TransportMode.polling, .websocket])
    func untrustedCA(mode: TransportMode) async throws {
        let pki = try TestPKI()
        let stranger = try TestPKI(name: "Someone Else's CA")
        let server = try await TLSServer.start(certificate: try pki.server())
        let socket = try io(server.url, options: Self.options(mode, trusting: stranger.caPEM))
        let error = try await Self.connectError(socket)
        #expect(error.code == .tlsFailed)
        #expect(error.message.contains("not accepted"), "\(error)")
        try await server.stop()
    }

    /// Off unless HUDDLE_TLS_SYSTEM_STORE=1: loading the system's trust
    /// store costs enough CPU, at the start of the run, to push the
    /// misbehaving-server heartbeat test past its 200 ms budget on two
    /// loaded cores (that test is being made independent of load). The
    /// default configuration itself is checked in the unit tests.
    @Test(
        "the system trust store (the default) does not trust the test CA",
        .enabled(if: ProcessInfo.processInfo.environment["HUDDLE_TLS_SYSTEM_STORE"] == "1")
    )
    func systemTrustStore() async throws {
        let pki = try TestPKI()
        let server = try await TLSServer.start(certificate: try pki.server())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var options = Self.options(.polling, trusting: nil)
        options.eventLoopGroup = group
        do {
            let socket = try io(server.url, options: options)
            let error = try await Self.connectError(socket)
            #expect(error.code == .tlsFailed, "\(error)")
        } catch let error as SocketIOClientError {
            // A machine without a trust store fails when the context is made.
            #expect(error.code == .tlsFailed, "\(error)")
        }
        try await server.stop()
        try await group.shutdownGracefully()
    }

    @Test("a certificate for another name is refused; serverName names the expected one", arguments: [TransportMode.polling, .websocket])
    func hostnameMismatch(mode: TransportMode) async throws {
        let pki = try TestPKI()
        let server = try await TLSServer.start(certificate: try pki.server(dnsNames: ["localhost"]))
        // 127.0.0.1 is not in the certificate (only DNS:localhost).
        let byAddress = try io("https://127.0.0.1:\(server.port)", options: Self.options(mode, trusting: pki.caPEM))
        let error = try await Self.connectError(byAddress)
        #expect(error.code == .tlsFailed, "\(error)")
        #expect(error.message.contains("not for this host"), "\(error)")

        var other = Self.options(mode, trusting: pki.caPEM)
        other.tls.serverName = "huddle.example"
        other.forceNew = true
        let wrongName = try io(server.url, options: other)
        #expect(try await Self.connectError(wrongName).code == .tlsFailed)

        var named = Self.options(mode, trusting: pki.caPEM)
        named.tls.serverName = "localhost"
        named.forceNew = true
        let right = try io("https://127.0.0.1:\(server.port)", options: named)
        try await right.connect(timeout: .seconds(20))
        #expect(right.isConnected)
        right.disconnect()
        try await server.stop()
    }

    @Test("mutual TLS: the client certificate is presented; without one the server refuses")
    func clientCertificate() async throws {
        let pki = try TestPKI()
        let server = try await TLSServer.start(certificate: try pki.server(), clientCA: pki.caPEM)
        let client = try pki.client()
        var options = Self.options(.websocket, trusting: pki.caPEM)
        options.tls.clientCertificate = .init(certificateChainPEM: client.certificatePEM, privateKeyPEM: client.privateKeyPEM)
        let socket = try io(server.url, options: options)
        try await socket.connect(timeout: .seconds(20))
        #expect(try await socket.emitWithAck("echo", "hi", as: String.self) == "hi")
        socket.disconnect()

        var anonymous = Self.options(.websocket, trusting: pki.caPEM)
        anonymous.forceNew = true
        let refused = try io(server.url, options: anonymous)
        let error = try await Self.connectError(refused)
        #expect(error.code == .tlsFailed || error.code == .connectionFailed, "\(error)")
        try await server.stop()
    }

    @Test("a trust root or key that does not load fails at once with tlsFailed")
    func unusableConfiguration() throws {
        var options = ClientOptions.testing(.polling)
        options.tls.trustRoots = .pem("not a certificate")
        #expect(throws: SocketIOClientError.self) { try io("https://localhost:1", options: options) }
        do {
            _ = try Manager(url: "wss://localhost:1", options: options)
            Issue.record("a bad trust root was accepted")
        } catch let error as SocketIOClientError {
            #expect(error.code == .tlsFailed)
        }
        // Plain http ignores the TLS options.
        _ = try Manager(url: "http://localhost:1", options: options)
    }

    /// The error `connect()` throws; a success is a failure of the test.
    static func connectError(_ socket: Socket) async throws -> SocketIOClientError {
        do {
            try await socket.connect(timeout: .seconds(20))
        } catch let error as SocketIOClientError {
            socket.disconnect()
            return error
        }
        socket.disconnect()
        throw TLSTestFailure.connected
    }

    enum TLSTestFailure: Error { case connected }
}
