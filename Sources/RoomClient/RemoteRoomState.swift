import RoomEngine

/// Everything a ``RemoteRoom`` holds, behind its lock: the replica of the
/// current membership, where the room stands, the acknowledgement policy
/// and the consumers' feeds.
struct RemoteRoomState<Logic: RoomLogic>: Sendable {
    /// What the client knows of the room (the current membership's).
    var replica: RoomReplica<Logic>
    /// Where the room stands.
    var status: RoomStatus = .joined
    /// A `leave` was sent and is not answered yet (inputs are refused).
    var leaving = false
    /// The rejoin `join` sent and not answered yet (its attempt number).
    var rejoinInFlight: UInt64?
    /// Rejoin attempts made (numbers them; a stale answer is ignored).
    var rejoinAttempts: UInt64 = 0
    /// A refusal that explains the disconnection that follows it (`tooSlow`).
    var disconnectCause: RoomClientError?
    /// When to acknowledge deltas.
    var acknowledger = DeltaAcknowledger()
    /// Acknowledgements sent, over every membership.
    var acknowledgementsSent = 0
    /// The consumer of ``RemoteRoom/updates``.
    var feed: RoomUpdateFeed<Logic>
    /// The consumers of ``RemoteRoom/positionFrames(bufferingNewest:)``.
    var watchers = PositionWatchers()

    /// Whether inputs may go now.
    var acceptsInputs: Bool {
        status == .joined && !leaving
    }

    /// The counters of every membership so far.
    var statistics: RoomStatistics {
        var statistics = replica.statistics
        statistics.acknowledgementsSent = acknowledgementsSent
        return statistics
    }

    /// Why an input cannot go now (nil when it can).
    var inputRefusal: RoomClientError? {
        switch status {
        case .joined where !leaving: nil
        case .joined: RoomClientError(code: .notInRoom, message: "leaving the room")
        case .rejoining: RoomClientError(code: .notInRoom, message: "rejoining the room after a lost membership")
        case .left: RoomClientError(code: .notInRoom, message: "the room was left")
        case .closed: RoomClientError(code: .notInRoom, message: "the client was closed")
        case .failed(let error): RoomClientError(code: .notInRoom, message: "the room ended: \(error)")
        }
    }

    /// Takes the acknowledgement an input about to be sent carries.
    mutating func acknowledgementForInput() -> UInt64? {
        guard let tick = acknowledger.takeForInput() else { return nil }
        acknowledgementsSent += 1
        return tick
    }
}
