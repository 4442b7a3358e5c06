/// Server-side permessage-deflate negotiation (RFC 7692 section 7.1).
///
/// Picks the first of the client's offers it can accept and computes both
/// the parameters to compress and decompress with and the exact
/// `Sec-WebSocket-Extensions` value to answer.
///
/// ```swift
/// let offers = request.headers["Sec-WebSocket-Extensions"]
/// if let agreement = PerMessageDeflateNegotiation.respond(toOffers: offers) {
///     responseHeaders.add(name: "Sec-WebSocket-Extensions", value: agreement.responseHeaderValue)
///     // Chrome: "permessage-deflate; server_no_context_takeover"
/// }
/// ```
public enum PerMessageDeflateNegotiation {
    /// When the server answers `client_no_context_takeover`.
    public enum ClientNoContextTakeoverPolicy: Sendable, Hashable {
        /// Echo it when the client offered it (the default). The client has
        /// already said it will not keep context, so confirming costs the
        /// client nothing, and the server may then drop its inflate history
        /// between that client's messages (or share one decompressor per
        /// event loop among such clients).
        case whenOffered
        /// Always answer it, even to clients that did not offer it (Chrome,
        /// Firefox, `ws`). Every client then compresses each message alone:
        /// slightly larger client-to-server messages, but no per-connection
        /// inflate history at all (about 40 KiB saved per connection that
        /// sends compressed messages).
        case always
    }

    /// The server's policy. The defaults favour memory: compression on
    /// the server side is done once per broadcast, never per connection.
    public struct Configuration: Sendable, Hashable {
        /// Answer `server_no_context_takeover` even when not asked.
        ///
        /// Default `true`: every server message is then compressed from a
        /// fresh context, so one compressed payload is valid for every
        /// recipient and a broadcast is compressed once per event loop (see
        /// `PerMessageDeflateCompressor`). With `false` the server may use
        /// context takeover (better ratios for similar consecutive
        /// messages) but needs one 256 KiB compressor per connection. If
        /// the client asks for it, it is answered regardless.
        public var serverNoContextTakeover: Bool

        /// When to answer `client_no_context_takeover`; default `.whenOffered`.
        public var clientNoContextTakeover: ClientNoContextTakeoverPolicy

        /// The largest window the server compresses with, 9 ... 15 (values
        /// outside are clamped). Default 15: deflate memory is per event
        /// loop, not per connection, so the best ratio is affordable.
        ///
        /// A smaller value is used silently when the client did not ask for
        /// a limit (a decoder with a larger window decodes any smaller one),
        /// and answered as `server_max_window_bits` when it did. An offer
        /// with `server_max_window_bits=8` is always declined (the next
        /// offer is tried): zlib cannot compress with a 256-byte window. It
        /// refuses raw windowBits 8 since 1.2.9, and older versions silently
        /// used 512 bytes, which can produce distances an 8-bit peer rejects.
        public var serverMaxWindowBits: Int

        /// Ask clients that offered `client_max_window_bits` to use at most
        /// this window, 9 ... 15 (clamped). Default `nil`: do not ask, so a
        /// client that offered it without a value uses 15 and the server
        /// sends no `client_max_window_bits`. `client_max_window_bits` is
        /// never sent to a client that did not offer it (RFC 7692 section
        /// 7.1.2.2 forbids it). A smaller value shrinks the per-connection
        /// inflate window (32 KiB at 15, 4 KiB at 12).
        public var clientMaxWindowBits: Int?

        /// Creates a configuration; see the properties for the defaults.
        public init(
            serverNoContextTakeover: Bool = true,
            clientNoContextTakeover: ClientNoContextTakeoverPolicy = .whenOffered,
            serverMaxWindowBits: Int = 15,
            clientMaxWindowBits: Int? = nil
        ) {
            self.serverNoContextTakeover = serverNoContextTakeover
            self.clientNoContextTakeover = clientNoContextTakeover
            self.serverMaxWindowBits = serverMaxWindowBits
            self.clientMaxWindowBits = clientMaxWindowBits
        }
    }

    /// Answers the `Sec-WebSocket-Extensions` header values of a request.
    ///
    /// - Parameter headerValues: every value of the request header (it
    ///   may be split across lines); other extensions are ignored.
    /// - Returns: the agreement for the first acceptable permessage-deflate
    ///   offer, or `nil` to run the connection without compression (send
    ///   no `Sec-WebSocket-Extensions` for it).
    public static func respond(
        toOffers headerValues: [String],
        configuration: Configuration = Configuration()
    ) -> PerMessageDeflateAgreement? {
        let offers = PerMessageDeflateOffer.parseOffers(headerValues).compactMap { try? $0.get() }
        return respond(toOffers: offers, configuration: configuration)
    }

    /// Picks the first acceptable offer among already parsed ones.
    public static func respond(
        toOffers offers: [PerMessageDeflateOffer],
        configuration: Configuration = Configuration()
    ) -> PerMessageDeflateAgreement? {
        for offer in offers {
            if case .success(let agreement) = accept(offer, configuration: configuration) {
                return agreement
            }
        }
        return nil
    }

    /// Decides on one offer: the agreement, or why it must be declined.
    public static func accept(
        _ offer: PerMessageDeflateOffer,
        configuration: Configuration = Configuration()
    ) -> Result<PerMessageDeflateAgreement, PerMessageDeflateNegotiationError> {
        // Server window: silently our own limit, or the client's limit
        // (which we must then confirm) if lower.
        var serverWindow = min(max(configuration.serverMaxWindowBits, 9), 15)
        var answeredServerWindow: Int?
        if let requested = offer.serverMaxWindowBits {
            guard requested >= 9 else {
                return .failure(.unacceptable(reason: "server_max_window_bits=8 cannot be honoured with zlib"))
            }
            serverWindow = min(serverWindow, requested)
            answeredServerWindow = serverWindow
        }

        // Client window: only ever answered if the client offered it.
        var clientWindow = 15
        var answeredClientWindow = PerMessageDeflateOffer.ClientMaxWindowBits.omitted
        let clientLimit = configuration.clientMaxWindowBits.map { min(max($0, 9), 15) }
        switch offer.clientMaxWindowBits {
        case .omitted:
            break
        case .withoutValue:
            if let clientLimit {
                clientWindow = clientLimit
                answeredClientWindow = .value(clientLimit)
            }
        case .value(let offered):
            clientWindow = min(offered, clientLimit ?? offered)
            answeredClientWindow = .value(clientWindow)
        }

        let serverNoContextTakeover = configuration.serverNoContextTakeover || offer.serverNoContextTakeover
        let clientNoContextTakeover =
            offer.clientNoContextTakeover || configuration.clientNoContextTakeover == .always

        let header = PerMessageDeflateSyntax.render(
            serverNoContextTakeover: serverNoContextTakeover,
            clientNoContextTakeover: clientNoContextTakeover,
            serverMaxWindowBits: answeredServerWindow,
            clientMaxWindowBits: answeredClientWindow
        )
        return .success(
            PerMessageDeflateAgreement(
                serverToClient: PerMessageDeflateParameters(
                    maxWindowBits: serverWindow,
                    noContextTakeover: serverNoContextTakeover
                ),
                clientToServer: PerMessageDeflateParameters(
                    maxWindowBits: clientWindow,
                    noContextTakeover: clientNoContextTakeover
                ),
                responseHeaderValue: header
            )
        )
    }
}
