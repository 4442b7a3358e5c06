import NIOCore
import NIOPosix

/// The thread a served replay's track runs on: reading the recording from
/// SQLite and re-simulating ticks are blocking work that must not stall the
/// event loop the viewers' sockets (and their heartbeats) live on; a seek
/// across a long session reads and simulates thousands of ticks.
///
/// One thread, jobs in the order they were given: the track is only ever
/// touched by that thread, one job at a time (hence `@unchecked Sendable`).
/// Each job's result, with the frame it leaves the track at, comes back on
/// the event loop the caller names.
///
/// ```swift
/// let worker = ReplayServeWorker(track: track)
/// worker.run(on: loop) { track in try track.seek(to: 100) }
///     .whenSuccess { outcome, frame in /* on loop */ }
/// ```
final class ReplayServeWorker: @unchecked Sendable {
    /// Where a job left the track, for the viewers.
    struct Frame: Sendable {
        var tick: UInt64
        var hash: UInt64
        /// The room's snapshot, encoded as a late joiner receives it.
        var snapshot: [UInt8]
    }

    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let track: any ReplayServeTrack

    init(track: any ReplayServeTrack) {
        self.track = track
        pool.start()
    }

    /// Runs `job` on the worker's thread, after every job given before it;
    /// the job's outcome and the track's frame afterwards arrive on `loop`.
    func run(
        on loop: any EventLoop,
        _ job: @escaping @Sendable (any ReplayServeTrack) throws(ReplayServeFailure) -> Void
    ) -> EventLoopFuture<(Result<Void, ReplayServeFailure>, Frame)> {
        pool.runIfActive(eventLoop: loop) { [self] in
            let outcome: Result<Void, ReplayServeFailure>
            do throws(ReplayServeFailure) {
                try job(track)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            return (outcome, Frame(tick: track.tick, hash: track.stateHash, snapshot: track.encodedSnapshot()))
        }
    }

    /// Finishes the jobs given so far and stops the thread.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
