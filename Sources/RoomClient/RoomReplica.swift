import RoomEngine

/// What the client knows of its room, built from what the server sent: the
/// join answer's snapshot, the operations after it (in sequence, each
/// exactly once) and the position deltas (through `PositionDeltaMirror`).
/// A pure value, driven by ``RemoteRoom`` on the connection's loop and by
/// the unit tests without a network.
///
/// ```swift
/// var replica = try RoomReplica(logic: WhiteboardLogic(), answer: answer, applying: { try $0.apply($1) })
/// let applied = replica.receiveOperations(bytes)      // in order, duplicates skipped
/// if case .applied(let tick) = replica.receiveDelta(delta) { acknowledge(tick) }
/// ```
struct RoomReplica<Logic: RoomLogic>: Sendable {
    /// Applies one operation to the client's copy of the state.
    typealias Applier = @Sendable (inout Logic.State, Logic.Operation) throws -> Void

    /// The join answer (with the seat a rejoin answer renewed).
    private(set) var membership: RoomMembership
    /// The snapshot's state, decoded.
    let snapshotState: Logic.State
    /// The snapshot's state advanced by every operation since (when an
    /// applier was given; else the snapshot's state).
    private(set) var state: Logic.State
    /// The sequence of the last operation applied (the snapshot's at first).
    private(set) var operationSequence: UInt64
    /// The position tables of recent ticks.
    private(set) var mirror: PositionDeltaMirror
    /// Why the replica stopped following the room, if it did.
    private(set) var failure: RoomClientError?
    /// Counters.
    var statistics = RoomStatistics()
    private let applier: Applier?
    /// The kind gives each member its own view: operations not meant for
    /// this member are left out, so sequences may skip (never go back).
    private let sequencesMaySkip: Bool

    /// Adopts a join answer: decodes the snapshot (refusing another kind
    /// or logic version than `logic`'s) and starts the mirror at its tick
    /// with its positions, the server's first baseline.
    init(logic: Logic, answer: JoinAnswer, applying applier: Applier?, historyLength: Int = 64) throws(RoomClientError) {
        let snapshot: RoomSnapshot
        do {
            snapshot = try RoomSnapshot(decoding: answer.snapshot)
        } catch {
            throw .violation("the join answer's snapshot does not decode: \(error)")
        }
        guard snapshot.kind == logic.kind, answer.kind == logic.kind else {
            throw RoomClientError(code: .kindMismatch, message: "joined a room of kind \(snapshot.kind) with the logic of \(logic.kind)")
        }
        guard snapshot.logicVersion == logic.logicVersion else {
            throw RoomClientError(
                code: .kindMismatch,
                message: "the room runs \(snapshot.kind) version \(snapshot.logicVersion); this client has version \(logic.logicVersion)"
            )
        }
        let state: Logic.State
        do {
            state = try Logic.State.decodeState(snapshot.state)
        } catch {
            throw .violation("the snapshot's state does not decode as \(Logic.State.self): \(error)")
        }
        membership = RoomMembership(
            room: answer.room, kind: answer.kind, member: answer.member, tickRate: answer.tickRate, snapshot: snapshot,
            seat: answer.seat
        )
        snapshotState = state
        self.state = state
        operationSequence = snapshot.operationSequence
        mirror = PositionDeltaMirror(historyLength: max(1, historyLength))
        mirror.adopt(table: state.positions, at: snapshot.tick)
        self.applier = applier
        sequencesMaySkip = logic.hasMemberViews
    }

    // MARK: Operations

    /// Applies one `ops` attachment: operations at or below the current
    /// sequence are skipped (already in the snapshot, or received twice),
    /// the next ones are decoded, applied and returned in order. A gap, an
    /// undecodable operation or one the applier refuses stops the replica
    /// (``failure``); what came before it is still returned.
    mutating func receiveOperations(_ bytes: [UInt8]) -> [RoomOperation<Logic.Operation>] {
        guard failure == nil else { return [] }
        var reader = BinaryReader(bytes)
        var applied: [RoomOperation<Logic.Operation>] = []
        while !reader.isAtEnd {
            let sequenced: SequencedOperation
            do {
                sequenced = try SequencedOperation(from: &reader)
            } catch {
                failure = .violation("an operation batch does not decode: \(error)")
                return applied
            }
            if sequenced.sequence <= operationSequence {
                statistics.operationsIgnored += 1
                continue
            }
            guard sequenced.sequence == operationSequence + 1 || sequencesMaySkip else {
                failure = .violation("operation \(sequenced.sequence) arrived after \(operationSequence): a gap")
                return applied
            }
            let operation: Logic.Operation
            do {
                operation = try Logic.Operation(decoding: sequenced.payload)
            } catch {
                failure = .violation("operation \(sequenced.sequence) does not decode: \(error)")
                return applied
            }
            if let applier {
                do {
                    try applier(&state, operation)
                } catch {
                    failure = .violation("operation \(sequenced.sequence) does not apply to the replica: \(error)")
                    return applied
                }
            }
            operationSequence = sequenced.sequence
            statistics.operationsApplied += 1
            applied.append(RoomOperation(sequence: sequenced.sequence, tick: sequenced.tick, operation: operation))
        }
        return applied
    }

    // MARK: Seats

    /// Resumes this membership from a seat's `rejoin` answer that carries
    /// the operations missed: they apply like an `ops` batch (those at or
    /// below the current sequence skipped) and are returned; the document
    /// and the delta tables are kept, as the protocol asks. An answer for
    /// another member or room is a protocol violation.
    mutating func resume(_ answer: RejoinAnswer, operations bytes: [UInt8]) throws(RoomClientError) -> [RoomOperation<Logic.Operation>] {
        guard answer.member == membership.member, answer.room == membership.room, answer.kind == membership.kind else {
            throw .violation("a rejoin answer for \(answer.member) in \(answer.room), not \(membership.member) in \(membership.room)")
        }
        membership.seat = answer.seat ?? membership.seat
        if answer.tickRate > 0 { membership.tickRate = answer.tickRate }
        let applied = receiveOperations(bytes)
        if let failure { throw failure }
        return applied
    }

    /// The seat can no longer bring the member back (its room stopped).
    mutating func forgetSeat() {
        membership.seat = nil
    }

    // MARK: Positions

    /// What became of one delta.
    enum DeltaOutcome: Equatable {
        /// Applied: the mirror is at `tick` now; acknowledge it.
        case applied(tick: UInt64)
        /// Older than the mirror's newest tick: nothing new.
        case ignored
        /// Undecodable, or against a baseline the mirror does not hold; the
        /// next acknowledgement of the newest tick repairs the stream.
        case failed(RoomError)
    }

    /// Applies one `delta` attachment to the mirror.
    mutating func receiveDelta(_ bytes: [UInt8]) -> DeltaOutcome {
        let delta: PositionDelta
        do throws(RoomError) {
            delta = try PositionDelta(decoding: bytes)
        } catch {
            statistics.deltasFailed += 1
            return .failed(error)
        }
        do throws(RoomError) {
            guard let tick = try mirror.receive(bytes) else {
                statistics.deltasIgnored += 1
                return .ignored
            }
            statistics.deltasApplied += 1
            if let baseline = delta.baselineTick {
                statistics.newestBaseline = max(statistics.newestBaseline, baseline)
            } else {
                statistics.fullTables += 1
            }
            return .applied(tick: tick)
        } catch {
            statistics.deltasFailed += 1
            return .failed(error)
        }
    }

    /// The newest mirrored table and its tick.
    var positions: PositionFrame {
        PositionFrame(tick: mirror.tick ?? membership.snapshot.tick, table: mirror.table)
    }
}
