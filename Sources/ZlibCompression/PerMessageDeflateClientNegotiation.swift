/// Client-side permessage-deflate negotiation (RFC 7692 section 7.1):
/// build the offer, then check the server's answer against it.
///
/// ```swift
/// let offer = PerMessageDeflateOffer.recommendedClientOffer
/// requestHeaders.add(name: "Sec-WebSocket-Extensions", value: offer.headerValue)
/// // ... after the 101 response:
/// let agreement = try PerMessageDeflateClientNegotiation.validate(
///     responseHeaderValues: response.headers["Sec-WebSocket-Extensions"],
///     offer: offer
/// )
/// // nil: the server declined, run without compression
/// ```
public enum PerMessageDeflateClientNegotiation {
    /// Checks the server's `Sec-WebSocket-Extensions` response values
    /// against the single offer the client sent.
    ///
    /// Extensions other than permessage-deflate are ignored here (the
    /// WebSocket layer must reject those it did not offer).
    ///
    /// - Returns: the agreement, or `nil` if the server did not accept
    ///   permessage-deflate.
    /// - Throws: when the response is malformed, names permessage-deflate
    ///   twice, or contradicts the offer; RFC 7692 section 5 then requires
    ///   failing the WebSocket connection.
    public static func validate(
        responseHeaderValues: [String],
        offer: PerMessageDeflateOffer
    ) throws(PerMessageDeflateNegotiationError) -> PerMessageDeflateAgreement? {
        var accepted: [WebSocketExtensionElement] = []
        for parsed in WebSocketExtensionHeaderParser.parse(responseHeaderValues) {
            switch parsed {
            case .element(let element) where element.name == PerMessageDeflateSyntax.extensionName:
                accepted.append(element)
            case .element:
                continue
            case .malformed(let name):
                if name == nil || name == PerMessageDeflateSyntax.extensionName {
                    throw .malformedHeader
                }
            }
        }
        guard let element = accepted.first else { return nil }
        guard accepted.count == 1 else {
            throw .unacceptable(reason: "permessage-deflate accepted more than once")
        }
        let response = try PerMessageDeflateOffer(parameters: element.parameters, isResponse: true)
        return try agreement(response: response, offer: offer)
    }

    /// Combines a parsed response with the offer, following the tables of
    /// RFC 7692 section 7.1.
    static func agreement(
        response: PerMessageDeflateOffer,
        offer: PerMessageDeflateOffer
    ) throws(PerMessageDeflateNegotiationError) -> PerMessageDeflateAgreement {
        // server_no_context_takeover: the server may add it, never drop it.
        if offer.serverNoContextTakeover && !response.serverNoContextTakeover {
            throw .unacceptable(reason: "server_no_context_takeover was requested but not confirmed")
        }

        // server_max_window_bits: if requested, the answer must be present
        // and no larger; if not requested, the server may still state one.
        if let requested = offer.serverMaxWindowBits {
            guard let answered = response.serverMaxWindowBits, answered <= requested else {
                throw .unacceptable(reason: "server_max_window_bits does not honour the requested \(requested)")
            }
        }
        let serverWindow = response.serverMaxWindowBits ?? 15

        // client_max_window_bits: only allowed if offered; an offered value
        // binds the client even if the server does not repeat it.
        let clientWindow: Int
        switch (offer.clientMaxWindowBits, response.clientMaxWindowBits) {
        case (.omitted, .omitted):
            clientWindow = 15
        case (.omitted, _):
            throw .unacceptable(reason: "client_max_window_bits was not offered")
        case (.withoutValue, .value(let answered)):
            clientWindow = answered
        case (.value(let offered), .value(let answered)):
            guard answered <= offered else {
                throw .unacceptable(reason: "client_max_window_bits=\(answered) exceeds the offered \(offered)")
            }
            clientWindow = answered
        case (.value(let offered), _):
            clientWindow = offered
        case (.withoutValue, _):
            clientWindow = 15
        }
        guard clientWindow >= 9 else {
            throw .unacceptable(reason: "client_max_window_bits=8 cannot be honoured with zlib")
        }

        return PerMessageDeflateAgreement(
            serverToClient: PerMessageDeflateParameters(
                maxWindowBits: serverWindow,
                noContextTakeover: response.serverNoContextTakeover
            ),
            clientToServer: PerMessageDeflateParameters(
                maxWindowBits: clientWindow,
                noContextTakeover: response.clientNoContextTakeover || offer.clientNoContextTakeover
            ),
            responseHeaderValue: PerMessageDeflateSyntax.render(
                serverNoContextTakeover: response.serverNoContextTakeover,
                clientNoContextTakeover: response.clientNoContextTakeover,
                serverMaxWindowBits: response.serverMaxWindowBits,
                clientMaxWindowBits: response.clientMaxWindowBits
            )
        )
    }
}
