import NIOCore
import RoomEngine

/// One member of a room's fan-out: how far its join has come and the input
/// answers it is owed, in one value (the fan-out keeps one map of these).
///
/// ```text
/// admitted ──attach──► attached(endpoint, room) ──snapshot──► joined(endpoint)
///    │ snapshot                                                  ▲
///    ▼                                                           │
/// parked(snapshot, operations) ───────────attach─────────────────┘
///    │ more operations than the park limit
///    ▼
/// overflowed (its attach is answered `serverBusy`)
/// ```
struct FanoutMember {
    /// Where the member's join stands.
    enum Stage {
        /// The room admitted it; neither its session nor its snapshot is here yet.
        case admitted
        /// The session is attached; the snapshot comes with the next tick. The
        /// room is held only until then, to name it in the join answer.
        case attached(MemberEndpoint, room: any RoomEndpoint)
        /// The snapshot came before the session: it and the operations after
        /// it wait here (at most ``FanoutState/parkLimit`` batches).
        case parked(snapshot: ByteBuffer, tick: UInt64, operations: [Delivery])
        /// The join answer went out: operations and deltas flow.
        case joined(MemberEndpoint)
        /// Too much waited for a session that never attached: its join fails.
        case overflowed
    }

    var stage = Stage.admitted
    /// Inputs waiting for their tick's answer: receipt and reply token.
    var awaitingAnswers: [(receipt: UInt64, token: UInt32)] = []

    /// Where its deliveries go, once its session is attached.
    var endpoint: MemberEndpoint? {
        switch stage {
        case .attached(let endpoint, _), .joined(let endpoint): endpoint
        case .admitted, .parked, .overflowed: nil
        }
    }
}
