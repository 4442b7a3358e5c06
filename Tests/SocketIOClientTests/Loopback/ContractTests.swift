import Testing

/// The conformance contract against our server and python-socketio, over
/// polling, WebSocket, and polling upgraded to WebSocket.
@Suite("Loopback contract")
struct ContractTests {
    @Test("every row of the contract", arguments: PeerKind.allCases, TransportMode.allCases)
    func contract(peer: PeerKind, mode: TransportMode) async throws {
        try await peer.withServer { url in
            try await ContractScenario.run(url: url, mode: mode, peer: peer)
        }
    }
}
