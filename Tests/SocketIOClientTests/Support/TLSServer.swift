import EngineIO
import NIOCore
import NIOPosix
import NIOSSL
import SocketIO

/// Our Socket.IO server (the conformance contract) behind TLS, for the
/// client's https/wss tests: each accepted connection gets swift-nio-ssl's
/// server handler in front of `HTTPServer.configure(channel:endpoints:)`,
/// the server's own pipeline. Listens on 127.0.0.1 with a kernel-chosen port.
final class TLSServer: Sendable {
    let io: SocketIOServer
    let channel: any Channel
    let port: Int

    private init(io: SocketIOServer, channel: any Channel, port: Int) {
        self.io = io
        self.channel = channel
        self.port = port
    }

    /// `https://localhost:PORT`: the name the default certificate is for.
    var url: String { "https://localhost:\(port)" }

    /// Starts a server presenting `certificate`; with `clientCA`, a client
    /// must present a certificate issued by it (mutual TLS).
    static func start(certificate: TestPKI.Issued, clientCA: String? = nil) async throws -> TLSServer {
        let group = MultiThreadedEventLoopGroup.singleton
        let io = SocketIOServer(group: group)
        ConformanceHandlers.install(on: io, extra: { _ in })
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificate.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem))
        )
        if let clientCA {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCA.utf8)))
        }
        let context = try NIOSSLContext(configuration: tls)
        let endpoints = [io.engine]
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try HTTPServer.configure(channel: channel, endpoints: endpoints)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw InProcessServer.ServerError.noPort }
        return TLSServer(io: io, channel: channel, port: port)
    }

    /// Stops listening and closes every session.
    func stop() async throws {
        try? await channel.close()
        try await io.engine.closeAllSessions().get()
    }
}
