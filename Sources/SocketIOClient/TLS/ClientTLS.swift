import NIOCore
import NIOSSL

/// The TLS of one manager: a swift-nio-ssl context made once from the
/// ``TLSOptions`` (loading the trust store and keys is not free), and the
/// name to ask for; each connection of both transports gets a
/// `NIOSSLClientHandler` from it.
struct ClientTLS: Sendable {
    let context: NIOSSLContext
    /// SNI and the name the certificate must carry; nil for an IP address
    /// (swift-nio-ssl then checks the address against the certificate).
    let serverHostname: String?

    /// The TLS of `url`, nil for plain `http`/`ws`.
    ///
    /// - Throws: ``SocketIOClientError/Code/tlsFailed`` when a certificate,
    ///   key or trust file does not load.
    static func make(for url: ServerURL, options: TLSOptions) throws(SocketIOClientError) -> ClientTLS? {
        guard url.isSecure else { return nil }
        do {
            let context = try NIOSSLContext(configuration: options.resolvedConfiguration())
            let name = options.serverName ?? (url.hostIsIPAddress ? nil : url.host)
            return ClientTLS(context: context, serverHostname: name)
        } catch let error as SocketIOClientError {
            throw error
        } catch {
            throw SocketIOClientError(code: .tlsFailed, message: "tls configuration: \(error)")
        }
    }

    /// Adds the TLS handler in front of everything else on a new channel.
    func addHandler(to channel: any Channel) throws {
        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
        try channel.pipeline.syncOperations.addHandler(handler)
    }
}

extension TLSOptions {
    /// The swift-nio-ssl configuration these options describe.
    func resolvedConfiguration() throws -> TLSConfiguration {
        if let configuration { return configuration }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch trustRoots {
        case .system:
            configuration.trustRoots = .default
        case .pem(let text):
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(text.utf8)))
        case .pemFile(let path):
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
        }
        switch verification {
        case .full: configuration.certificateVerification = .fullVerification
        case .noHostnameVerification: configuration.certificateVerification = .noHostnameVerification
        case .none: configuration.certificateVerification = .none
        }
        if let clientCertificate {
            let chain: [NIOSSLCertificate]
            switch clientCertificate.certificateChain {
            case .pem(let text): chain = try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
            case .file(let path): chain = try NIOSSLCertificate.fromPEMFile(path)
            }
            configuration.certificateChain = chain.map { .certificate($0) }
            switch clientCertificate.privateKey {
            case .pem(let text): configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem))
            case .file(let path): configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: path, format: .pem))
            }
        }
        return configuration
    }
}

/// Tells TLS failures (an untrusted or misnamed certificate, a refused
/// handshake) from other connection failures, so that they reach the
/// application as ``SocketIOClientError/Code/tlsFailed`` with the reason.
enum TLSFailureDetail {
    /// A readable reason when `error` is a TLS handshake failure, else nil.
    static func reason(of error: any Error) -> String? {
        switch error {
        case let error as NIOSSLExtraError:
            if "\(error)".contains("failedToValidateHostname") {
                return "the server's certificate is not for this host (or tls.serverName): \(error)"
            }
            return "\(error)"
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let cause):
                return handshakeReason(cause)
            case .noCertificateToValidate, .unableToValidateCertificate, .cannotMatchULabel, .cannotFindPeerIP:
                return "certificate not verified: \(error)"
            default:
                return nil
            }
        case let error as BoringSSLError:
            return handshakeReason(error)
        default:
            return nil
        }
    }

    /// BoringSSL's reasons, with the two that matter most said plainly.
    private static func handshakeReason(_ error: BoringSSLError) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate was not accepted (not issued by a trusted root, expired, or not for this host): \(text)"
        }
        if text.contains("CERTIFICATE_REQUIRED") {
            return "the server requires a client certificate (tls.clientCertificate): \(text)"
        }
        return "handshake failed: \(text)"
    }
}
