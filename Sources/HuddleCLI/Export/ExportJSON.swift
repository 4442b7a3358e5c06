import Foundation
import RoomEngine
import SnapshotStore

/// The JSON lines `huddle export` writes (hashes as `0x…` hex strings).
enum ExportJSON {
    struct Session: Encodable {
        let type = "session"
        var session: SessionJSON

        init(_ summary: SessionSummary) { session = SessionJSON(summary) }

        func encode(to encoder: any Encoder) throws {
            try session.encode(to: encoder)
            var container = encoder.container(keyedBy: TypeKey.self)
            try container.encode(type, forKey: .type)
        }
    }

    struct Membership: Encodable {
        var type: String
        var afterTick: UInt64
        var member: String
        var metadata: [String: String]
        var at: String

        init(_ event: MembershipEvent) {
            type = Self.types[event.change] ?? "leave"
            afterTick = event.afterTick
            member = event.member.rawValue
            metadata = event.metadata
            at = CLITime.iso(event.at)
        }

        /// `join`, `leave`, and `away` / `back` for a member whose connection
        /// dropped while it kept its seat (no state change).
        private static let types: [MembershipEvent.Change: String] = [
            .joined: "join", .left: "leave", .away: "away", .back: "back",
        ]
    }

    struct Input: Encodable {
        var member: String
        var sequence: UInt64
        var bytes: String
        var input: String?
    }

    struct Tick: Encodable {
        let type = "tick"
        var tick: UInt64
        var hash: String
        var at: String
        var inputs: [Input]

        init(_ stored: StoredTick, kind: RoomKindEntry?) {
            tick = stored.tick.tick
            hash = Hex.hash(stored.tick.stateHash)
            at = CLITime.iso(stored.recordedAt)
            inputs = stored.tick.inputs.map { input in
                Input(member: input.member.rawValue, sequence: input.sequence, bytes: Data(input.bytes).base64EncodedString(),
                      input: kind?.describeInput(input.bytes))
            }
        }
    }

    struct State: Encodable {
        var type: String
        var tick: UInt64
        var hash: String
        var operationSequence: UInt64
        var members: [String]
        var state: String

        init(_ snapshot: RoomSnapshot, type: String) {
            self.type = type
            tick = snapshot.tick
            hash = Hex.hash(snapshot.stateHash)
            operationSequence = snapshot.operationSequence
            members = snapshot.members.map(\.rawValue)
            state = Data(snapshot.state).base64EncodedString()
        }
    }

    struct End: Encodable {
        let type = "end"
        var status: String
        var lastTick: UInt64
        var finalTick: UInt64?
        var finalHash: String?
        var gapFromTick: UInt64?

        init(_ summary: SessionSummary) {
            status = summary.status.rawValue
            lastTick = summary.lastTick
            finalTick = summary.final?.tick
            finalHash = summary.final.map { Hex.hash($0.stateHash) }
            gapFromTick = summary.gapFromTick
        }
    }

    private enum TypeKey: String, CodingKey { case type }
}
