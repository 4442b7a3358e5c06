import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle sessions`: the recorded sessions, newest first, as a table or JSON.
struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List recorded sessions (newest first).",
        usage: """
            huddle sessions [--db <path>] [--kind <kind>] [--room <room>] [--since <date>] [--until <date>] \
            [--status <status>] [--limit <limit>] [--json]
            """,
        discussion: """
            Columns: id, kind, room, start (UTC), duration (wall clock), ticks, members, status. \
            Status is live (being recorded), ended, or incomplete (the recorder died: the recording \
            is valid up to its last committed tick); "+gap" marks a recording with a gap.

            Dates: 2025-01-31, 2025-01-31T14:05, 2025-01-31T14:05:09Z, or an age: 30m, 2h, 7d.

            Example: huddle sessions --kind whiteboard --since 1d --db huddle.sqlite
            """,
        subcommands: [StoreSynthesize.self]
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Only sessions of this room kind (whiteboard, arena).")
    var kind: String?

    @Option(help: "Only sessions of this room id.")
    var room: String?

    @Option(help: ArgumentHelp("Only sessions started at or after this date or age.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only sessions started before this date or age.", valueName: "date"))
    var until: String?

    @Option(help: "Only sessions in this status (live, ended, incomplete).")
    var status: String?

    @Option(help: "At most this many sessions.")
    var limit: Int?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        if let since, CLITime.parse(since) == nil { throw ValidationError("cannot read --since '\(since)'") }
        if let until, CLITime.parse(until) == nil { throw ValidationError("cannot read --until '\(until)'") }
        if let status, SessionStatus(rawValue: status) == nil {
            throw ValidationError("--status is one of live, ended, incomplete")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        try await CLIExit.run { try list() }
    }

    private func list() throws {
        let filter = SessionFilter(
            kind: kind.map { RoomKind($0) }, roomID: room.map { RoomID($0) },
            startedFrom: since.flatMap { CLITime.parse($0) }, startedBefore: until.flatMap { CLITime.parse($0) },
            status: status.flatMap { SessionStatus(rawValue: $0) }, limit: limit
        )
        let sessions = try store.open().sessions(matching: filter)
        if json {
            print(try CLIJSON.string(sessions.map { SessionJSON($0) }))
            return
        }
        if sessions.isEmpty { return print("no sessions in \(store.db)") }
        let rows: [[String]] = sessions.map { session in
            [session.id.description, session.kind.name, session.roomID.rawValue,
             CLITime.timestamp(session.startedAt),
             CLITime.duration(microseconds: session.durationMicroseconds),
             String(session.tickCount), String(session.memberCount), session.statusText]
        }
        print(CLIOutput.table(["ID", "KIND", "ROOM", "START", "DURATION", "TICKS", "MEMBERS", "STATUS"], rows))
    }
}

extension SessionSummary {
    /// `ended`, `incomplete+gap`, …
    var statusText: String { status.rawValue + (gapFromTick == nil ? "" : "+gap") }
}

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
