import Foundation
import SocketIOClient
import Testing

/// The client as a load generator: many connections on the shared
/// event-loop group. Small by default; `HUDDLE_CLIENT_LOAD_CLIENTS` and
/// `HUDDLE_CLIENT_LOAD_URL` (a server in another process, e.g. the
/// conformance-server binary) scale it up for a measurement.
@Suite("Load")
struct LoadTests {
    @Test("many clients connect and every message is acknowledged")
    func manyClients() async throws {
        let environment = ProcessInfo.processInfo.environment
        let clients = environment["HUDDLE_CLIENT_LOAD_CLIENTS"].flatMap(Int.init) ?? 100
        let messages = environment["HUDDLE_CLIENT_LOAD_MESSAGES"].flatMap(Int.init) ?? 5
        let report: ClientLoad.Report
        if let url = environment["HUDDLE_CLIENT_LOAD_URL"] {
            report = try await ClientLoad.run(url: url, clients: clients, messagesPerClient: messages)
        } else {
            let server = try await InProcessServer.start()
            report = try await ClientLoad.run(url: server.url, clients: clients, messagesPerClient: messages)
            try await server.stop()
        }
        print("client load:", report)
        #expect(report.connected == clients)
        #expect(report.acknowledged == report.messages)
    }
}
