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

    /// One answer per other server, gathered until `expected` came or the
    /// timer fired: fetchSockets and the legacy requests (whole answers),
    /// serverSideEmitWithAck (the answer's argument).
    struct Collecting<Answer: Sendable> {
        var expected: Int
        var answers: [Answer] = []
        /// The answers, and whether every server's came (false: timed out).
        let done: @Sendable (_ answers: [Answer], _ complete: Bool) -> Void
        var timer: Scheduled<Void>?
    }

    var ackBroadcasts: [String: AckBroadcast] = [:]
    var gatherings: [String: Collecting<JSONObject>] = [:]
    var serverSideEmits: [String: Collecting<JSONValue>] = [:]

    /// Whether `requestID` is one of this server's own (its echo is ignored).
    func isOwn(_ requestID: String) -> Bool {
        ackBroadcasts[requestID] != nil || gatherings[requestID] != nil || serverSideEmits[requestID] != nil
    }
}
