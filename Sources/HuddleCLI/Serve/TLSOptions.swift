import ArgumentParser
import EngineIO
import NIOCore
import NIOSSL

/// `--tls-cert FILE --tls-key FILE`: `huddle serve` over TLS (HTTPS and
/// WSS: long-polling and WebSocket alike), with swift-nio-ssl. Both files
/// are PEM: the certificate chain (the server's first) and its private key.
/// Without them the server speaks plain HTTP, as before.
///
/// ```text
/// huddle serve --tls-cert /etc/huddle/fullchain.pem --tls-key /etc/huddle/privkey.pem
/// listening on https://127.0.0.1:3000
/// ```
struct TLSOptions: ParsableArguments {
    @Option(help: "PEM certificate chain (the server's certificate first): serve HTTPS and WSS; needs --tls-key.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert's certificate.")
    var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
    }

    /// Whether the server speaks TLS.
    var isEnabled: Bool { tlsCert != nil }

    /// The scheme of the server's URL.
    var scheme: String { isEnabled ? "https" : "http" }

    /// What each accepted connection gets first: a TLS handler, or nothing.
    /// Throws (before the server binds) when a file does not load.
    func connectionPreparation() throws -> HTTPServer.ConnectionPreparation? {
        guard let tlsCert, let tlsKey else { return nil }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tlsCert)
        } catch {
            throw ValidationError("--tls-cert \(tlsCert): not a PEM certificate file we can read (\(error))")
        }
        do {
            key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
        } catch {
            throw ValidationError("--tls-key \(tlsKey): not a PEM private key file we can read (\(error))")
        }
        guard !chain.isEmpty else { throw ValidationError("--tls-cert \(tlsCert): no certificate in it") }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        let context = try NIOSSLContext(configuration: configuration)
        return { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }
    }
}
