import NIOCore
import SocketIOAdapter
import SocketIOCore

/// This server's requests waiting for other servers' answers, by request
/// id; each leaves the table when it completes or times out, so the table
/// is bounded by the requests of the last timeout period.
struct PendingRequests {
    /// A broadcast with acks: the total client count is reported once every
    /// server (this one included) has reported its own; acks pass straight on.
    struct AckBroadcast {
        var expectedServers: Int?
        var reportedServers = 0
        var clients = 0
        var countReported = false
        let clientCount: @Sendable (Int) -> Void
        let response: @Sendable ([JSONValue]) -> Void

        /// The total to report now, once.
        mutating func totalIfComplete() -> Int? {
            guard !countReported, let expectedServers, reportedServers >= expectedServers else { return nil }
            countReported = true
            return clients
        }
    }

    /// fetchSockets, the legacy sockets and allRooms: answers merged until
    /// `expected` came.
    struct Gathering {
        var expected: Int
        var answers: [JSONObject] = []
        let done: @Sendable (Result<[JSONObject], ServerSideEmitError>) -> Void
        let timer: Scheduled<Void>
    }

    /// serverSideEmitWithAck: one answer per other server.
    struct ServerSideEmit {
        var expected: Int
        var responses: [JSONValue] = []
        let done: @Sendable (Result<[JSONValue], ServerSideEmitError>) -> Void
        let timer: Scheduled<Void>
    }

    var ackBroadcasts: [String: AckBroadcast] = [:]
    var gatherings: [String: Gathering] = [:]
    var serverSideEmits: [String: ServerSideEmit] = [:]

    /// Whether `requestID` is one of this server's own (its echo is ignored).
    func isOwn(_ requestID: String) -> Bool {
        ackBroadcasts[requestID] != nil || gatherings[requestID] != nil || serverSideEmits[requestID] != nil
    }
}
