/// One permessage-deflate offer from a client's `Sec-WebSocket-Extensions`
/// header (RFC 7692 section 7.1), or the offer a client is about to send.
///
/// A client may send several offers in order of preference (for instance
/// one with `server_max_window_bits=10`, then a plain one); the server
/// accepts at most one.
///
/// ```swift
/// let offers = PerMessageDeflateOffer.parseOffers(["permessage-deflate; client_max_window_bits"])
/// // [.success(PerMessageDeflateOffer(clientMaxWindowBits: .withoutValue))]
/// ```
public struct PerMessageDeflateOffer: Sendable, Hashable {
    /// The `client_max_window_bits` parameter of an offer, the only one
    /// whose value is optional.
    public enum ClientMaxWindowBits: Sendable, Hashable {
        /// Not sent: the client cannot limit its window, so the server must
        /// not send `client_max_window_bits` back.
        case omitted
        /// Sent without a value: the client can limit its window if the
        /// server asks, and will use 2^15 bytes otherwise.
        case withoutValue
        /// Sent with a value 8 ... 15: the client will use at most that.
        case value(Int)
    }

    /// `server_no_context_takeover`: the client asks the server to compress
    /// every message from a fresh context.
    public var serverNoContextTakeover: Bool

    /// `client_no_context_takeover`: the client announces that it will
    /// compress every message from a fresh context.
    public var clientNoContextTakeover: Bool

    /// `server_max_window_bits`, 8 ... 15: the client asks the server to use
    /// at most this window. `nil` when absent.
    public var serverMaxWindowBits: Int?

    /// `client_max_window_bits`, see `ClientMaxWindowBits`.
    public var clientMaxWindowBits: ClientMaxWindowBits

    /// Creates an offer; every parameter is absent by default, which is
    /// Firefox's offer (`permessage-deflate`).
    public init(
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int? = nil,
        clientMaxWindowBits: ClientMaxWindowBits = .omitted
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }

    /// The offer browsers (Chrome), Node's `ws` and Python's `websockets`
    /// send: `permessage-deflate; client_max_window_bits`. It lets the
    /// server pick both windows and whether to keep context, which is the
    /// most widely accepted offer.
    public static let recommendedClientOffer = PerMessageDeflateOffer(clientMaxWindowBits: .withoutValue)

    /// The offer as a `Sec-WebSocket-Extensions` value, parameters in a
    /// fixed order, e.g. `permessage-deflate; client_max_window_bits`.
    public var headerValue: String {
        PerMessageDeflateSyntax.render(
            serverNoContextTakeover: serverNoContextTakeover,
            clientNoContextTakeover: clientNoContextTakeover,
            serverMaxWindowBits: serverMaxWindowBits,
            clientMaxWindowBits: clientMaxWindowBits
        )
    }

    /// Extracts every permessage-deflate offer from a request's
    /// `Sec-WebSocket-Extensions` header values, in order. Other extensions
    /// are skipped; an offer that is malformed or has an unknown,
    /// duplicate or invalid parameter is returned as a failure (a server
    /// must decline it and may try the next one).
    ///
    /// - Parameter headerValues: every value of the header (HTTP allows
    ///   it to be split over several lines).
    public static func parseOffers(
        _ headerValues: [String]
    ) -> [Result<PerMessageDeflateOffer, PerMessageDeflateNegotiationError>] {
        WebSocketExtensionHeaderParser.parse(headerValues).compactMap { parsed in
            switch parsed {
            case .element(let element):
                guard element.name == PerMessageDeflateSyntax.extensionName else { return nil }
                return Result { () throws(PerMessageDeflateNegotiationError) in
                    try PerMessageDeflateOffer(parameters: element.parameters, isResponse: false)
                }
            case .malformed(let name):
                guard name == nil || name == PerMessageDeflateSyntax.extensionName else { return nil }
                return .failure(.malformedHeader)
            }
        }
    }

    /// Reads the parameters of an offer, or of a response when
    /// `isResponse` (where `client_max_window_bits` needs a value).
    init(
        parameters: [WebSocketExtensionElement.Parameter],
        isResponse: Bool
    ) throws(PerMessageDeflateNegotiationError) {
        self.init()
        var seen: Set<String> = []
        for parameter in parameters {
            guard seen.insert(parameter.name).inserted else {
                throw .duplicateParameter(parameter.name)
            }
            switch parameter.name {
            case PerMessageDeflateSyntax.serverNoContextTakeover:
                guard parameter.value == nil else {
                    throw .invalidParameterValue(name: parameter.name, value: parameter.value)
                }
                serverNoContextTakeover = true
            case PerMessageDeflateSyntax.clientNoContextTakeover:
                guard parameter.value == nil else {
                    throw .invalidParameterValue(name: parameter.name, value: parameter.value)
                }
                clientNoContextTakeover = true
            case PerMessageDeflateSyntax.serverMaxWindowBits:
                guard let bits = PerMessageDeflateSyntax.windowBits(parameter.value) else {
                    throw .invalidParameterValue(name: parameter.name, value: parameter.value)
                }
                serverMaxWindowBits = bits
            case PerMessageDeflateSyntax.clientMaxWindowBits:
                if parameter.value == nil && !isResponse {
                    clientMaxWindowBits = .withoutValue
                } else if let bits = PerMessageDeflateSyntax.windowBits(parameter.value) {
                    clientMaxWindowBits = .value(bits)
                } else {
                    throw .invalidParameterValue(name: parameter.name, value: parameter.value)
                }
            default:
                throw .unknownParameter(parameter.name)
            }
        }
    }
}
