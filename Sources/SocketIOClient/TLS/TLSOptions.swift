public import NIOSSL

/// How the client checks an `https://` or `wss://` server, and the
/// certificate it presents when the server asks for one. Both transports
/// (polling and WebSocket, and the upgrade between them) use it.
///
/// The default is what a browser does: the system's trust store (on
/// Debian, `/etc/ssl/certs` from the `ca-certificates` package), the whole
/// chain verified, and the certificate must name the URL's host, which is
/// also sent as SNI.
///
/// ```swift
/// var options = ClientOptions()
/// options.tls.trustRoots = .pem(testCA)              // a private or test CA, instead of the system's
/// options.tls.clientCertificate = .init(certificateChainPEM: myCert, privateKeyPEM: myKey)
/// let socket = try io("https://localhost:3443", options: options)
/// ```
///
/// For what these settings do not cover (cipher suites, TLS versions,
/// ALPN), set ``configuration`` to a complete swift-nio-ssl configuration.
public struct TLSOptions: Sendable {
    /// The certificates a server's chain must lead to.
    public enum TrustRoots: Sendable, Hashable {
        /// The system's trust store.
        case system
        /// One or more PEM certificates (a company CA, a test CA), instead
        /// of the system's.
        case pem(String)
        /// A PEM file of one or more certificates, instead of the system's.
        case pemFile(String)
    }

    /// How much of the server's certificate is checked.
    public enum Verification: Sendable, Hashable {
        /// The chain leads to a trusted root and the certificate names the
        /// host (or ``TLSOptions/serverName``). The default.
        case full
        /// The chain leads to a trusted root; the name is not checked.
        case noHostnameVerification
        /// Nothing is checked: anyone on the path can read and change the
        /// traffic. For development against a throwaway certificate only.
        case none
    }

    /// Where a PEM value comes from.
    public enum PEMSource: Sendable, Hashable {
        /// PEM text.
        case pem(String)
        /// A PEM file.
        case file(String)
    }

    /// A certificate (with its chain) and private key the client presents
    /// to a server that asks for one (mutual TLS).
    public struct ClientCertificate: Sendable, Hashable {
        /// The certificate first, then the intermediates.
        public var certificateChain: PEMSource
        /// The private key of the certificate.
        public var privateKey: PEMSource

        /// A client certificate from PEM text.
        public init(certificateChainPEM: String, privateKeyPEM: String) {
            self.certificateChain = .pem(certificateChainPEM)
            self.privateKey = .pem(privateKeyPEM)
        }

        /// A client certificate from wherever its parts are.
        public init(certificateChain: PEMSource, privateKey: PEMSource) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    /// The roots the server's chain must lead to (``TrustRoots/system``).
    public var trustRoots: TrustRoots
    /// What is checked (``Verification/full``).
    public var verification: Verification
    /// Presented when the server asks (nil: none).
    public var clientCertificate: ClientCertificate?
    /// The name sent as SNI and expected in the certificate, when it is
    /// not the URL's host (a server reached by IP address, or through a
    /// tunnel). Nil: the host; nothing is sent as SNI for an IP address,
    /// whose certificate must then list it.
    public var serverName: String?
    /// A complete swift-nio-ssl client configuration for advanced needs;
    /// when set it is used as is and ``trustRoots``, ``verification`` and
    /// ``clientCertificate`` are ignored (``serverName`` still applies).
    public var configuration: TLSConfiguration?

    /// The defaults: the system's trust store, full verification, no
    /// client certificate.
    public init(
        trustRoots: TrustRoots = .system,
        verification: Verification = .full,
        clientCertificate: ClientCertificate? = nil,
        serverName: String? = nil
    ) {
        self.trustRoots = trustRoots
        self.verification = verification
        self.clientCertificate = clientCertificate
        self.serverName = serverName
    }

    /// Options that use a complete swift-nio-ssl configuration.
    public init(configuration: TLSConfiguration, serverName: String? = nil) {
        self.init(serverName: serverName)
        self.configuration = configuration
    }
}
