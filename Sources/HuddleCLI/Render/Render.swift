import ArgumentParser
import Foundation
import RoomEngine
import SnapshotStore

/// `huddle render ID [--tick T | --at TIME] --output FILE.svg|.png`: the
/// room as it was at a tick, drawn by its kind's renderer
/// (``RoomKindEntry/renderer``); `--frames DIR --every N` writes a numbered
/// sequence instead, `--animate FILE.webp` a looping animation.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a session as it was at a tick (SVG or PNG), or as a sequence of frames.",
        discussion: """
            Re-simulates the session from the newest stored snapshot before the tick (hashes \
            checked) and draws the room with its kind's renderer: the whiteboard's strokes, \
            shapes and cursors; the arena's walls, pickups, players and scores. The tick is \
            --tick, or --at a time into the session (90s, 1m30s, 2h) or a wall-clock time \
            (2025-01-31T14:05:09Z: the last tick recorded by then); by default the last \
            replayable tick. .svg is written directly; .png through rsvg-convert (Debian: \
            librsvg2-bin). --frames DIR writes DIR/frame-000001.svg … one every --every ticks \
            (default: one a second of game time) and one at the last tick; --animate FILE.webp \
            makes those frames (PNG, 512 pixels unless --width) into a looping animated WebP \
            through img2webp (Debian: webp), played --speed times faster than game time. \
            Both show a progress bar on stderr when it is a terminal (--progress: always; \
            --quiet: never).

            Exit codes: 3 no such session, 4 unusable store, 5 the kind is not in this program \
            or has no renderer, 1 the recording diverges before the tick, 6 I/O (rsvg-convert \
            missing or failing, the file not writable), 64 bad command line.

            Example: huddle render 12 --tick 1200 --output board.svg
            Example: huddle render 12 --at 1m30s --output board.png --width 512
            Example: huddle render 12 --frames frames/ --every 30
            Example: huddle render 12 --animate match.webp --every 15 --speed 4
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var session: SessionArgument

    @Option(help: "The tick to draw (default: the last replayable tick).")
    var tick: UInt64?

    @Option(help: ArgumentHelp("The moment to draw: game time into the session (90s, 1m30s) or a wall-clock time.", valueName: "time"))
    var at: RenderMoment?

    @Option(name: [.short, .long], help: ArgumentHelp("The picture to write: FILE.svg or FILE.png.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Write a numbered frame sequence into this directory instead.", valueName: "dir"))
    var frames: String?

    @Option(help: ArgumentHelp("Write a looping animated WebP of the session instead (img2webp).", valueName: "file.webp"))
    var animate: String?

    @Option(help: "With --animate: play this many times faster than game time.")
    var speed: Double = 1

    @Option(help: "With --frames or --animate: ticks between frames (default: the kind's ticks per second).")
    var every: UInt64?

    @Option(help: "With --frames: the frames' format (default: svg; --output takes its file's extension).")
    var format: PictureFormat?

    @Option(help: "PNG width in pixels (default: the picture's own, 1024 for the built-in kinds).")
    var width: Int?

    @Flag(help: "Show the progress bar on stderr even when it is not a terminal.")
    var progress = false

    @Flag(help: "Never show a progress bar.")
    var quiet = false

    func validate() throws {
        if [output, frames, animate].count(where: { $0 != nil }) != 1 {
            throw ValidationError("give one of --output FILE, --frames DIR, --animate FILE.webp")
        }
        if tick != nil, at != nil { throw ValidationError("give --tick or --at, not both") }
        if output == nil, tick != nil || at != nil {
            throw ValidationError("--tick and --at draw one picture; --frames and --animate draw the whole session")
        }
        if output != nil, every != nil { throw ValidationError("--every goes with --frames or --animate") }
        if let animate, !animate.lowercased().hasSuffix(".webp") { throw ValidationError("--animate writes a .webp file, not '\(animate)'") }
        if animate == nil, speed != 1 { throw ValidationError("--speed goes with --animate") }
        if !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be a positive number") }
        if frames == nil, format != nil { throw ValidationError("--format goes with --frames (--output takes its file's extension)") }
        if let every, every == 0 { throw ValidationError("--every must be positive") }
        if let width, !(1...16_384).contains(width) { throw ValidationError("--width must be between 1 and 16384") }
        if let output, PictureFormat(path: output) == nil { throw ValidationError("--output must end in .svg or .png, not '\(output)'") }
        if progress, quiet { throw ValidationError("--progress and --quiet contradict each other") }
    }

    func run() async throws {
        try await CLIExit.run {
            let context = CLIContext.current
            let store = try self.store.open()
            let summary = try store.summary(of: session.session)
            let replayer = SessionReplayer(store: store, kinds: context.kinds)
            let entry = try replayer.entry(recording: summary)
            guard entry.canRender else {
                context.output.error("room kind '\(summary.kind)' has no renderer in this program "
                    + "(a kind supplies one with RoomKindEntry(logic, renderer:))")
                throw ExitCode(CLIExit.unsupportedLogic)
            }
            let showProgress = !quiet && (progress || context.output.diagnosticsAreTerminal)
            let every = self.every ?? UInt64(max(entry.rules.ticksPerSecond, 1))
            if let frames {
                try RenderFrames(directory: frames, every: every, format: format ?? .svg, width: width, showProgress: showProgress)
                    .run(summary, replayer: replayer, entry: entry, output: context.output)
                return
            }
            if let animate {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huddle-frames-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                let written = try RenderFrames(directory: folder.path, every: every, format: .png, width: width ?? 512,
                                               showProgress: showProgress)
                    .write(summary, replayer: replayer, entry: entry, output: context.output)
                let milliseconds = Animation.frameMilliseconds(every: every, ticksPerSecond: entry.rules.ticksPerSecond, speed: speed)
                try Animation.writeWebP(frames: written.names, in: folder, milliseconds: milliseconds, to: animate)
                context.output.result("session \(summary.id) (\(summary.kind)): wrote \(written.names.count) frames, "
                    + "\(milliseconds) ms each, to \(animate)")
                return
            }
            guard let output else { return }
            let end = summary.verifiableEnd
            let target = try at?.tick(in: summary, store: store, ticksPerSecond: entry.rules.ticksPerSecond) ?? tick ?? end
            if target > end {
                throw ValidationError("tick \(target) is past the last replayable tick \(end) of session \(summary.id)")
            }
            if target < summary.startTick {
                throw ValidationError("tick \(target) is before the session's first state (tick \(summary.startTick))")
            }
            let snapshot = try replayer.snapshot(of: summary.id, at: target)
            let picture = try Self.draw(snapshot, with: entry, session: summary.id)
            let format = PictureFormat(path: output) ?? .svg
            try Self.write(picture, as: format, to: output, width: width)
            context.output.result("session \(summary.id) (\(summary.kind)) at tick \(snapshot.tick): wrote \(output)")
        }
    }

    /// The kind's picture of `snapshot`; a state that does not decode is a damaged record.
    static func draw(_ snapshot: RoomSnapshot, with entry: RoomKindEntry, session: RecordedSessionID) throws(SnapshotStoreError) -> SVGDocument {
        do {
            guard let picture = try entry.render(snapshot) else {
                throw SnapshotStoreError.unsupportedLogic(kind: snapshot.kind, version: snapshot.logicVersion, available: [])
            }
            return picture
        } catch let error as SnapshotStoreError {
            throw error
        } catch {
            throw .corruptRecord(session: session, detail: "the state at tick \(snapshot.tick) does not decode: \(error)")
        }
    }

    /// Writes `picture` as SVG text or, through rsvg-convert, as PNG.
    static func write(_ picture: SVGDocument, as format: PictureFormat, to path: String, width: Int?) throws {
        switch format {
        case .svg: try Data(picture.text.utf8).write(to: URL(fileURLWithPath: path))
        case .png: try RasterImage.writePNG(picture.text, to: path, width: width)
        }
    }
}
