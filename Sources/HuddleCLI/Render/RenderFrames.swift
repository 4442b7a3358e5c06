import Foundation
import RoomEngine
import SnapshotStore

/// `huddle render ID --frames DIR --every N`: the session re-simulated from
/// its start, a picture every N ticks and one at the last replayable tick,
/// written as `DIR/frame-000001.svg` (or `.png`) in order.
struct RenderFrames {
    let directory: String
    let every: UInt64
    let format: PictureFormat
    let width: Int?
    let showProgress: Bool

    /// How many frames `states(every:)` hands over for ticks after `start` up to `end`.
    static func frameCount(start: UInt64, end: UInt64, every: UInt64) -> UInt64 {
        guard end > start else { return 0 }
        return end / every - start / every + (end % every == 0 ? 0 : 1)
    }

    /// `frame-000042.svg` (at least six digits).
    static func fileName(_ number: UInt64, digits: Int, format: PictureFormat) -> String {
        let text = String(number)
        return "frame-" + String(repeating: "0", count: max(digits - text.count, 0)) + text + "." + format.rawValue
    }

    /// What ``write(_:replayer:entry:output:)`` wrote.
    struct Written {
        /// The files, in order (names within the directory).
        var names: [String] = []
        /// The first frame's tick.
        var firstTick: UInt64?
    }

    /// Writes the frames and prints what it wrote.
    func run(_ summary: SessionSummary, replayer: SessionReplayer, entry: RoomKindEntry, output: CommandOutput) throws {
        let written = try write(summary, replayer: replayer, entry: entry, output: output)
        let range = written.firstTick.map { "ticks \($0)…\(summary.verifiableEnd), " } ?? ""
        output.result("session \(summary.id) (\(summary.kind)): wrote \(written.names.count) frames (\(range)every \(every)) to \(directory)")
    }

    /// Writes the frames, a progress bar on the diagnostics when asked.
    func write(_ summary: SessionSummary, replayer: SessionReplayer, entry: RoomKindEntry, output: CommandOutput) throws -> Written {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let total = Self.frameCount(start: summary.startTick, end: summary.verifiableEnd, every: every)
        let digits = max(6, String(total).count)
        let bar = ProgressBar(label: "frames", unit: "frames", output: output, enabled: showProgress)
        var written = Written()
        var failure: (any Error)?
        do {
            try replayer.states(summary.id, every: every) { snapshot in
                guard failure == nil else { return }
                do {
                    let picture = try Render.draw(snapshot, with: entry, session: summary.id)
                    let name = Self.fileName(UInt64(written.names.count + 1), digits: digits, format: format)
                    try Render.write(picture, as: format, to: folder.appendingPathComponent(name).path, width: width)
                    written.names.append(name)
                    written.firstTick = written.firstTick ?? snapshot.tick
                    bar.update(UInt64(written.names.count), of: total)
                } catch {
                    failure = error
                }
            }
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        if let failure { throw failure }
        return written
    }
}
