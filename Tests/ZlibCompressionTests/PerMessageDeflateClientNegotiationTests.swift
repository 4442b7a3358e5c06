import Testing

@testable import ZlibCompression

@Suite("permessage-deflate negotiation, client side")
struct PerMessageDeflateClientNegotiationTests {
    @Test("offer header values")
    func offers() {
        #expect(PerMessageDeflateOffer.recommendedClientOffer.headerValue == "permessage-deflate; client_max_window_bits")
        #expect(PerMessageDeflateOffer().headerValue == "permessage-deflate")
        let full = PerMessageDeflateOffer(
            serverNoContextTakeover: true,
            clientNoContextTakeover: true,
            serverMaxWindowBits: 10,
            clientMaxWindowBits: .value(12)
        )
        #expect(
            full.headerValue
                == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                + "server_max_window_bits=10; client_max_window_bits=12"
        )
        // What we render, we parse back.
        #expect(PerMessageDeflateOffer.parseOffers([full.headerValue]) == [.success(full)])
    }

    @Test("a typical server answer")
    func typicalAnswer() throws {
        let agreement = try PerMessageDeflateClientNegotiation.validate(
            responseHeaderValues: ["permessage-deflate; server_no_context_takeover"],
            offer: .recommendedClientOffer
        )
        #expect(agreement?.serverToClient == .init(maxWindowBits: 15, noContextTakeover: true))
        #expect(agreement?.clientToServer == .init(maxWindowBits: 15, noContextTakeover: false))
    }

    @Test("the server declined", arguments: [[], [""], ["x-webkit-deflate-frame"]] as [[String]])
    func declined(_ values: [String]) throws {
        #expect(try PerMessageDeflateClientNegotiation.validate(responseHeaderValues: values, offer: .recommendedClientOffer) == nil)
    }

    @Test("the server limits our window")
    func clientWindow() throws {
        let agreement = try PerMessageDeflateClientNegotiation.validate(
            responseHeaderValues: ["permessage-deflate; client_max_window_bits=10; client_no_context_takeover"],
            offer: .recommendedClientOffer
        )
        #expect(agreement?.clientToServer == .init(maxWindowBits: 10, noContextTakeover: true))
        // An offered value binds us even if the server does not repeat it.
        let implicit = try PerMessageDeflateClientNegotiation.validate(
            responseHeaderValues: ["permessage-deflate"],
            offer: .init(clientMaxWindowBits: .value(11))
        )
        #expect(implicit?.clientToServer.maxWindowBits == 11)
        // client_no_context_takeover we offered stands even if not echoed.
        let offered = try PerMessageDeflateClientNegotiation.validate(
            responseHeaderValues: ["permessage-deflate"],
            offer: .init(clientNoContextTakeover: true)
        )
        #expect(offered?.clientToServer.noContextTakeover == true)
    }

    @Test("the server states its own window without being asked")
    func serverWindow() throws {
        let agreement = try PerMessageDeflateClientNegotiation.validate(
            responseHeaderValues: ["permessage-deflate; server_max_window_bits=12"],
            offer: PerMessageDeflateOffer()
        )
        #expect(agreement?.serverToClient == .init(maxWindowBits: 12, noContextTakeover: false))
        #expect(agreement?.responseHeaderValue == "permessage-deflate; server_max_window_bits=12")
    }

    static let invalidAnswers: [(offer: PerMessageDeflateOffer, response: String)] = [
        (PerMessageDeflateOffer(), "permessage-deflate; client_max_window_bits=10"),  // not offered
        (.recommendedClientOffer, "permessage-deflate; client_max_window_bits"),  // needs a value
        (.recommendedClientOffer, "permessage-deflate; client_max_window_bits=8"),  // zlib cannot
        (.init(clientMaxWindowBits: .value(10)), "permessage-deflate; client_max_window_bits=11"),
        (.init(serverNoContextTakeover: true), "permessage-deflate"),
        (.init(serverMaxWindowBits: 10), "permessage-deflate"),
        (.init(serverMaxWindowBits: 10), "permessage-deflate; server_max_window_bits=12"),
        (.recommendedClientOffer, "permessage-deflate; foo"),
        (.recommendedClientOffer, "permessage-deflate; server_no_context_takeover; server_no_context_takeover"),
        (.recommendedClientOffer, "permessage-deflate, permessage-deflate"),
        (.recommendedClientOffer, "permessage-deflate; ="),
    ]

    @Test("invalid answers fail the connection", arguments: 0..<11)
    func invalid(index: Int) {
        let (offer, response) = Self.invalidAnswers[index]
        #expect(throws: PerMessageDeflateNegotiationError.self) {
            try PerMessageDeflateClientNegotiation.validate(responseHeaderValues: [response], offer: offer)
        }
    }

    @Test(
        "server and client agree on the same parameters",
        arguments: [
            PerMessageDeflateOffer.recommendedClientOffer,
            PerMessageDeflateOffer(),
            PerMessageDeflateOffer(clientNoContextTakeover: true, clientMaxWindowBits: .value(10)),
            PerMessageDeflateOffer(serverNoContextTakeover: true, serverMaxWindowBits: 11),
        ],
        [
            PerMessageDeflateNegotiation.Configuration(),
            PerMessageDeflateNegotiation.Configuration(
                serverNoContextTakeover: false, clientNoContextTakeover: .always, serverMaxWindowBits: 13,
                clientMaxWindowBits: 9
            ),
        ]
    )
    func endToEnd(offer: PerMessageDeflateOffer, configuration: PerMessageDeflateNegotiation.Configuration) throws {
        let server = try #require(PerMessageDeflateNegotiation.respond(toOffers: [offer.headerValue], configuration: configuration))
        let client = try #require(
            try PerMessageDeflateClientNegotiation.validate(responseHeaderValues: [server.responseHeaderValue], offer: offer)
        )
        #expect(client.responseHeaderValue == server.responseHeaderValue)
        #expect(client.clientToServer == server.clientToServer)
        // The server may use a smaller window than it announced; never a larger one.
        #expect(server.serverToClient.maxWindowBits <= client.serverToClient.maxWindowBits)
        #expect(server.serverToClient.noContextTakeover == client.serverToClient.noContextTakeover)
    }
}
