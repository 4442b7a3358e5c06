import Testing

@testable import ZlibCompression

/// One row of the server negotiation table.
struct ServerNegotiationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var offers: [String]
    /// The expected response header, or nil when deflate must be declined.
    var response: String?
    var serverToClient = PerMessageDeflateParameters(maxWindowBits: 15, noContextTakeover: true)
    var clientToServer = PerMessageDeflateParameters(maxWindowBits: 15, noContextTakeover: false)
    var configuration = PerMessageDeflateNegotiation.Configuration()

    var testDescription: String { name }
}

@Suite("permessage-deflate negotiation, server side")
struct PerMessageDeflateNegotiationTests {
    static let chromeResponse = "permessage-deflate; server_no_context_takeover"

    static let table: [ServerNegotiationCase] = [
        .init(
            name: "Chrome",
            offers: ["permessage-deflate; client_max_window_bits"],
            response: chromeResponse
        ),
        .init(
            name: "Python websockets default (same as ws and Chrome)",
            offers: ["permessage-deflate; client_max_window_bits"],
            response: chromeResponse
        ),
        .init(name: "Firefox", offers: ["permessage-deflate"], response: chromeResponse),
        .init(
            name: "server_max_window_bits=10",
            offers: ["permessage-deflate; server_max_window_bits=10"],
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
            serverToClient: .init(maxWindowBits: 10, noContextTakeover: true)
        ),
        .init(
            name: "client_no_context_takeover is echoed",
            offers: ["permessage-deflate; client_no_context_takeover; client_max_window_bits"],
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            clientToServer: .init(maxWindowBits: 15, noContextTakeover: true)
        ),
        .init(
            name: "server_no_context_takeover requested",
            offers: ["permessage-deflate; server_no_context_takeover"],
            response: chromeResponse
        ),
        .init(
            name: "client_max_window_bits with a value is confirmed",
            offers: ["permessage-deflate; client_max_window_bits=10"],
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=10",
            clientToServer: .init(maxWindowBits: 10, noContextTakeover: false)
        ),
        .init(
            name: "client_max_window_bits=8 is fine (we inflate with 9)",
            offers: ["permessage-deflate; client_max_window_bits=8"],
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=8",
            clientToServer: .init(maxWindowBits: 8, noContextTakeover: false)
        ),
        .init(name: "unknown parameter", offers: ["permessage-deflate; foo"], response: nil),
        .init(name: "unknown parameter with value", offers: ["permessage-deflate; foo=1"], response: nil),
        .init(
            name: "duplicate parameter",
            offers: ["permessage-deflate; server_no_context_takeover; server_no_context_takeover"],
            response: nil
        ),
        .init(
            name: "duplicate window parameter",
            offers: ["permessage-deflate; client_max_window_bits=10; client_max_window_bits=11"],
            response: nil
        ),
        .init(name: "window bits out of range", offers: ["permessage-deflate; server_max_window_bits=16"], response: nil),
        .init(name: "window bits 7", offers: ["permessage-deflate; client_max_window_bits=7"], response: nil),
        .init(name: "leading zero", offers: ["permessage-deflate; server_max_window_bits=010"], response: nil),
        .init(name: "missing value", offers: ["permessage-deflate; server_max_window_bits"], response: nil),
        .init(name: "value on a flag", offers: ["permessage-deflate; server_no_context_takeover=1"], response: nil),
        .init(name: "server_max_window_bits=8 cannot be honoured", offers: ["permessage-deflate; server_max_window_bits=8"], response: nil),
        .init(
            name: "two offers, the first unacceptable",
            offers: ["permessage-deflate; server_max_window_bits=8, permessage-deflate; client_max_window_bits"],
            response: chromeResponse
        ),
        .init(
            name: "two offers, the first invalid",
            offers: ["permessage-deflate; client_max_window_bits=16, permessage-deflate; server_max_window_bits=12"],
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=12",
            serverToClient: .init(maxWindowBits: 12, noContextTakeover: true)
        ),
        .init(
            name: "two offers, the first acceptable wins",
            offers: ["permessage-deflate; server_max_window_bits=11, permessage-deflate"],
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
            serverToClient: .init(maxWindowBits: 11, noContextTakeover: true)
        ),
        .init(
            name: "offers split over header lines, after another extension",
            offers: ["x-webkit-deflate-frame", "permessage-deflate; client_no_context_takeover"],
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            clientToServer: .init(maxWindowBits: 15, noContextTakeover: true)
        ),
        .init(
            name: "quoted value",
            offers: ["permessage-deflate; server_max_window_bits=\"10\""],
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
            serverToClient: .init(maxWindowBits: 10, noContextTakeover: true)
        ),
        .init(
            name: "quoted value with an escape",
            offers: ["permessage-deflate; client_max_window_bits=\"1\\2\""],
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12",
            clientToServer: .init(maxWindowBits: 12, noContextTakeover: false)
        ),
        .init(
            name: "unterminated quote",
            offers: ["permessage-deflate; server_max_window_bits=\"10"],
            response: nil
        ),
        .init(
            name: "whitespace everywhere",
            offers: ["  permessage-deflate ;\tclient_max_window_bits = 11 ;  client_no_context_takeover  ,  foo "],
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=11",
            clientToServer: .init(maxWindowBits: 11, noContextTakeover: true)
        ),
        .init(
            name: "names are case-insensitive",
            offers: ["PerMessage-Deflate; Client_Max_Window_Bits"],
            response: chromeResponse
        ),
        .init(
            name: "a syntax error spoils only its own element",
            offers: ["permessage-deflate; =10, permessage-deflate; ;, permessage-deflate"],
            response: chromeResponse
        ),
        .init(
            name: "a quoted comma does not split the list",
            offers: ["foo; bar=\"a,b\", permessage-deflate"],
            response: chromeResponse
        ),
        .init(name: "empty list elements", offers: [" , ,permessage-deflate,"], response: chromeResponse),
        .init(name: "no offer", offers: ["x-webkit-deflate-frame"], response: nil),
        .init(name: "no header", offers: [], response: nil),
        .init(name: "empty header", offers: [""], response: nil),
        .init(name: "not a prefix match", offers: ["permessage-deflate-x"], response: nil),
        .init(
            name: "config: ask for client window 12 when offered without value",
            offers: ["permessage-deflate; client_max_window_bits"],
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12",
            clientToServer: .init(maxWindowBits: 12, noContextTakeover: false),
            configuration: .init(clientMaxWindowBits: 12)
        ),
        .init(
            name: "config: client window 12 lowers an offered 14",
            offers: ["permessage-deflate; client_max_window_bits=14"],
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12",
            clientToServer: .init(maxWindowBits: 12, noContextTakeover: false),
            configuration: .init(clientMaxWindowBits: 12)
        ),
        .init(
            name: "config: client window never sent when not offered",
            offers: ["permessage-deflate"],
            response: chromeResponse,
            configuration: .init(clientMaxWindowBits: 12)
        ),
        .init(
            name: "config: always answer client_no_context_takeover",
            offers: ["permessage-deflate"],
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            clientToServer: .init(maxWindowBits: 15, noContextTakeover: true),
            configuration: .init(clientNoContextTakeover: .always)
        ),
        .init(
            name: "config: server context takeover allowed",
            offers: ["permessage-deflate; client_max_window_bits"],
            response: "permessage-deflate",
            serverToClient: .init(maxWindowBits: 15, noContextTakeover: false),
            configuration: .init(serverNoContextTakeover: false)
        ),
        .init(
            name: "config: server context takeover allowed but the client forbids it",
            offers: ["permessage-deflate; server_no_context_takeover"],
            response: chromeResponse,
            configuration: .init(serverNoContextTakeover: false)
        ),
        .init(
            name: "config: smaller server window used silently",
            offers: ["permessage-deflate"],
            response: chromeResponse,
            serverToClient: .init(maxWindowBits: 12, noContextTakeover: true),
            configuration: .init(serverMaxWindowBits: 12)
        ),
        .init(
            name: "config: smaller server window answered when the client asked for more",
            offers: ["permessage-deflate; server_max_window_bits=14"],
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=12",
            serverToClient: .init(maxWindowBits: 12, noContextTakeover: true),
            configuration: .init(serverMaxWindowBits: 12)
        ),
    ]

    @Test("offer table", arguments: table)
    func negotiate(_ row: ServerNegotiationCase) {
        let agreement = PerMessageDeflateNegotiation.respond(toOffers: row.offers, configuration: row.configuration)
        #expect(agreement?.responseHeaderValue == row.response)
        if let agreement, row.response != nil {
            #expect(agreement.serverToClient == row.serverToClient)
            #expect(agreement.clientToServer == row.clientToServer)
        }
    }

    @Test("the server compressor can always honour the agreement", arguments: table)
    func compressorFitsAgreement(_ row: ServerNegotiationCase) {
        guard let agreement = PerMessageDeflateNegotiation.respond(toOffers: row.offers, configuration: row.configuration)
        else { return }
        #expect((9...15).contains(agreement.serverToClient.maxWindowBits))
        let configuration = PerMessageDeflateCompressor.Configuration(parameters: agreement.serverToClient)
        #expect(configuration.windowBits <= agreement.serverToClient.maxWindowBits)
    }

    @Test("parsing reports why offers are declined")
    func parseErrors() {
        let results = PerMessageDeflateOffer.parseOffers([
            "permessage-deflate; foo, permessage-deflate; client_max_window_bits; client_max_window_bits, "
                + "permessage-deflate; server_max_window_bits=99, permessage-deflate; =, other; =, "
                + "permessage-deflate; server_max_window_bits=9; client_max_window_bits",
        ])
        #expect(results.count == 5)
        #expect(results[0] == .failure(.unknownParameter("foo")))
        #expect(results[1] == .failure(.duplicateParameter("client_max_window_bits")))
        #expect(results[2] == .failure(.invalidParameterValue(name: "server_max_window_bits", value: "99")))
        #expect(results[3] == .failure(.malformedHeader))
        #expect(results[4] == .success(.init(serverMaxWindowBits: 9, clientMaxWindowBits: .withoutValue)))
    }

    @Test("accept explains a declined offer")
    func acceptExplains() {
        let result = PerMessageDeflateNegotiation.accept(.init(serverMaxWindowBits: 8))
        guard case .failure(.unacceptable) = result else {
            Issue.record("expected an unacceptable offer, got \(result)")
            return
        }
    }
}
