import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle sessions`: the recorded sessions, newest first, as a table or JSON.
struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List recorded sessions (newest first).",
        usage: """
            huddle sessions [--db <path> | --store <url>] [--kind <kind>] [--room <room>] [--since <date>] [--until <date>] \
            [--status <status>] [--limit <limit>] [--json]
            """,
        discussion: """
            Columns: id, kind, room, start (UTC), duration (wall clock), ticks, members, status. \
            Status is live (being recorded), ended, or incomplete (the recorder died: the recording \
            is valid up to its last committed tick); "+gap" marks a recording with a gap, and \
            "(resumes N)" a room resumed on another node from session N after its owner died.

            Dates: 2025-01-31, 2025-01-31T14:05, 2025-01-31T14:05:09Z, or an age: 30m, 2h, 7d.

            Example: huddle sessions --since 1d --status ended --db huddle.sqlite
            Example: huddle sessions --store "postgres://huddle@/huddle?host=/run/postgresql"
            """,
        subcommands: [StoreSynthesize.self]
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Only sessions of this room kind (this program has: \(kindList(CLIContext.current.kinds.kinds))).")
    var kind: KindArgument?

    @Option(help: "Only sessions of this room id.")
    var room: String?

    @Option(help: ArgumentHelp("Only sessions started at or after this date or age.", valueName: "date"))
    var since: DateArgument?

    @Option(help: ArgumentHelp("Only sessions started before this date or age.", valueName: "date"))
    var until: DateArgument?

    @Option(help: "Only sessions in this status.")
    var status: StatusArgument?

    @Option(help: "At most this many sessions.")
    var limit: Int?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        try await CLIExit.run { try list() }
    }

    private func list() throws {
        let output = CLIContext.current.output
        let filter = SessionFilter(
            kind: kind?.kind, roomID: room.map { RoomID($0) },
            startedFrom: since?.microseconds, startedBefore: until?.microseconds, status: status?.status, limit: limit
        )
        let sessions = try store.open().sessions(matching: filter)
        if json {
            output.result(try CLIJSON.string(sessions.map { SessionJSON($0) }))
            return
        }
        if sessions.isEmpty { return output.result("no sessions in \(store.displayLocation)") }
        let rows: [[String]] = sessions.map { session in
            [session.id.description, session.kind.name, session.roomID.rawValue,
             CLITime.timestamp(session.startedAt),
             CLITime.duration(microseconds: session.durationMicroseconds),
             String(session.tickCount), String(session.memberCount),
             session.statusText + (session.resumedFrom.map { " (resumes \($0.session))" } ?? "")]
        }
        output.result(CLITable.render(["ID", "KIND", "ROOM", "START", "DURATION", "TICKS", "MEMBERS", "STATUS"], rows))
    }
}
