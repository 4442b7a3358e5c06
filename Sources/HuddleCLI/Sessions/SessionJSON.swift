import Foundation
import SnapshotStore

/// One session in `--json` output (hashes and seeds as strings: they exceed 2^53).
struct SessionJSON: Encodable {
    var id: Int64
    var room: String
    var kind: String
    var logicVersion: UInt32
    var seed: String
    var config: [String: String]
    var status: String
    var startedAt: String
    var endedAt: String?
    var durationSeconds: Double
    var startTick: UInt64
    var lastTick: UInt64
    var lastTickAt: String?
    var lastTickAtMicros: Int64?
    var ticks: Int
    var inputs: Int
    var members: Int
    var finalTick: UInt64?
    var finalHash: String?
    var gapFromTick: UInt64?
    var droppedEvents: Int
    /// Which hash the ticks' `hash` values are: `fingerprint` or `canonicalBytes`.
    var stateHashing: String
    /// The session a resumed room's recording continues, and the tick both share.
    var resumedFromSession: Int64?
    var resumedFromTick: UInt64?

    init(_ session: SessionSummary) {
        id = session.id.rawValue
        room = session.roomID.rawValue
        kind = session.kind.name
        logicVersion = session.logicVersion
        seed = String(session.seed)
        config = session.config.parameters
        status = session.status.rawValue
        startedAt = CLITime.iso(session.startedAt)
        endedAt = session.endedAt.map(CLITime.iso)
        durationSeconds = Double(session.durationMicroseconds) / 1_000_000
        startTick = session.startTick
        lastTick = session.lastTick
        lastTickAt = session.lastTickAt.map(CLITime.iso)
        lastTickAtMicros = session.lastTickAt
        ticks = session.tickCount
        inputs = session.inputCount
        members = session.memberCount
        finalTick = session.final?.tick
        finalHash = session.final.map { Hex.hash($0.stateHash) }
        gapFromTick = session.gapFromTick
        droppedEvents = session.droppedEvents
        stateHashing = session.stateHashing.name
        resumedFromSession = session.resumedFrom?.session
        resumedFromTick = session.resumedFrom?.tick
    }
}

/// JSON with sorted keys, one value per call.
enum CLIJSON {
    static func string(_ value: some Encodable, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
