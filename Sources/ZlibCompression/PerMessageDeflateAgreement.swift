/// What one direction of a permessage-deflate connection agreed to: the
/// largest LZ77 window the sender may use and whether it compresses every
/// message from a fresh context.
///
/// A server compresses with `agreement.serverToClient` and decompresses
/// with `agreement.clientToServer`; a client does the opposite.
public struct PerMessageDeflateParameters: Sendable, Hashable {
    /// Base-2 logarithm of the sender's maximum LZ77 window, 8 ... 15.
    public var maxWindowBits: Int

    /// Whether the sender resets its compression context after every
    /// message, so the receiver may drop its history too.
    public var noContextTakeover: Bool

    /// Creates parameters; the defaults are RFC 7692's (32 KiB window,
    /// context takeover allowed).
    public init(maxWindowBits: Int = 15, noContextTakeover: Bool = false) {
        self.maxWindowBits = maxWindowBits
        self.noContextTakeover = noContextTakeover
    }
}

/// The outcome of a successful permessage-deflate negotiation.
///
/// Produced by `PerMessageDeflateNegotiation.respond(toOffers:configuration:)`
/// on a server (send `responseHeaderValue` as the `Sec-WebSocket-Extensions`
/// response header) and by `PerMessageDeflateClientNegotiation.validate`
/// on a client.
public struct PerMessageDeflateAgreement: Sendable, Hashable {
    /// Parameters of the messages the server sends.
    public var serverToClient: PerMessageDeflateParameters

    /// Parameters of the messages the client sends.
    public var clientToServer: PerMessageDeflateParameters

    /// The `Sec-WebSocket-Extensions` value of the server's response, e.g.
    /// `permessage-deflate; server_no_context_takeover`.
    public var responseHeaderValue: String

    /// Creates an agreement (normally done by the negotiation helpers).
    public init(
        serverToClient: PerMessageDeflateParameters,
        clientToServer: PerMessageDeflateParameters,
        responseHeaderValue: String
    ) {
        self.serverToClient = serverToClient
        self.clientToServer = clientToServer
        self.responseHeaderValue = responseHeaderValue
    }
}

/// Rendering and validation shared by offers and responses.
enum PerMessageDeflateSyntax {
    static let extensionName = "permessage-deflate"
    static let serverNoContextTakeover = "server_no_context_takeover"
    static let clientNoContextTakeover = "client_no_context_takeover"
    static let serverMaxWindowBits = "server_max_window_bits"
    static let clientMaxWindowBits = "client_max_window_bits"

    /// Renders parameters in a fixed order, e.g.
    /// `permessage-deflate; server_no_context_takeover; client_max_window_bits=12`.
    static func render(
        serverNoContextTakeover: Bool,
        clientNoContextTakeover: Bool,
        serverMaxWindowBits: Int?,
        clientMaxWindowBits: PerMessageDeflateOffer.ClientMaxWindowBits
    ) -> String {
        var parts = [extensionName]
        if serverNoContextTakeover { parts.append(Self.serverNoContextTakeover) }
        if clientNoContextTakeover { parts.append(Self.clientNoContextTakeover) }
        if let serverMaxWindowBits { parts.append("\(Self.serverMaxWindowBits)=\(serverMaxWindowBits)") }
        switch clientMaxWindowBits {
        case .omitted: break
        case .withoutValue: parts.append(Self.clientMaxWindowBits)
        case .value(let bits): parts.append("\(Self.clientMaxWindowBits)=\(bits)")
        }
        return parts.joined(separator: "; ")
    }

    /// A window-bits value: a decimal integer 8 ... 15 without leading
    /// zeros (RFC 7692 sections 7.1.2.1 and 7.1.2.2).
    static func windowBits(_ value: String?) -> Int? {
        guard let value, let bits = Int(value), (8...15).contains(bits), String(bits) == value else {
            return nil
        }
        return bits
    }
}
