import NIOCore
import NIOPosix
import RoomEngine
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Encodes and hashes joiners' snapshots of large states off the rooms'
/// loops (issue 22): a room's join tick hands its fan-out a
/// ``DeferredSnapshot`` (a copy-on-write copy of the state), the fan-out
/// queues it here, and the finished bytes come back to the room's loop to
/// go out through the usual join answer.
///
/// Threads: the encodings run on an `NIOThreadPool`, by default
/// ``encodingPool``: one thread for the process, started on first use and
/// never stopped (as NIO's singletons), which lowers its own scheduling
/// priority (nice 10, Linux) before each encoding, so that on a machine
/// whose cores are busy the loops that tick rooms win over an encoding.
///
/// Bound: at most ``limit`` encodings queued or running, over every room of
/// the service (each holds its copy of a state until it ran, and its bytes
/// until they are handed on). Overflow: ``submit(_:job:completion:)``
/// refuses, and the room's fan-out encodes that snapshot on the room's
/// loop, as every snapshot was before (a joiner is never refused for it;
/// the other rooms of that loop are late for that tick, as before).
final class SnapshotWorker: Sendable {
    /// One queued encoding, cancelled when none of its joiners is left.
    final class Job: Sendable {
        private let cancelled = Atomic<Bool>(false)
        init() {}
        /// Skips the encoding if it did not start yet.
        func cancel() { cancelled.store(true, ordering: .relaxed) }
        var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    }

    /// What the worker did so far (for tests and statistics).
    struct Counters: Sendable, Equatable {
        /// Encodings queued or running now.
        var queued = 0
        /// Encodings finished.
        var encoded: UInt64 = 0
        /// Encodings cancelled before they ran (every joiner had gone).
        var skipped: UInt64 = 0
        /// Submissions refused because ``limit`` were queued (encoded on the room's loop instead).
        var refused: UInt64 = 0
    }

    private struct State {
        var counters = Counters()
        var paused: Bool
        var waiting: [@Sendable () -> Void] = []
    }

    /// Encodings queued or running at most.
    let limit: Int
    private let pool: NIOThreadPool
    private let state: Mutex<State>

    /// A worker of at most `limit` encodings on `pool`. A `paused` worker
    /// (tests) queues without running anything until ``resume()``.
    init(limit: Int, pool: NIOThreadPool = SnapshotWorker.encodingPool, paused: Bool = false) {
        self.limit = max(0, limit)
        self.pool = pool
        self.state = Mutex(State(paused: paused))
    }

    /// The process's encoding thread (see the type's description).
    static let encodingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Lowers the calling thread's priority to nice 10 (Linux: the thread's
    /// id is read from `/proc/thread-self`); does nothing elsewhere or when
    /// it cannot.
    static func lowerThreadPriority() {
        #if os(Linux)
        var link = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &link, link.count - 1)
        guard count > 0 else { return }
        let path = String(decoding: link.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let last = path.split(separator: "/").last, let tid = id_t(last) else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, 10)
        #endif
    }

    /// The counters now.
    var counters: Counters { state.withLock { $0.counters } }

    /// Queues the encoding of `deferred`: on a pool thread, its state is
    /// encoded and hashed and the whole snapshot written into one buffer,
    /// which `completion` gets there (nil when `job` was cancelled before it
    /// started). False, and nothing queued, when ``limit`` encodings are
    /// queued already.
    func submit(
        _ deferred: DeferredSnapshot, job: Job, completion: @escaping @Sendable (ByteBuffer?) -> Void
    ) -> Bool {
        let work: @Sendable () -> Void = { [self] in
            guard !job.isCancelled else {
                finished(encoded: false)
                return completion(nil)
            }
            Self.lowerThreadPriority()
            let buffer = deferred.encode().encodedBuffer()
            finished(encoded: true)
            completion(buffer)
        }
        let runNow: Bool? = state.withLock { state in
            guard state.counters.queued < limit else {
                state.counters.refused += 1
                return nil
            }
            state.counters.queued += 1
            guard !state.paused else {
                state.waiting.append(work)
                return false
            }
            return true
        }
        guard let runNow else { return false }
        if runNow { pool.submit { _ in work() } }
        return true
    }

    /// Holds what is submitted from now on until ``resume()`` (tests).
    func pause() {
        state.withLock { $0.paused = true }
    }

    /// Runs what a paused worker queued, and everything after it.
    func resume() {
        let waiting = state.withLock { state in
            state.paused = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for work in waiting { pool.submit { _ in work() } }
    }

    private func finished(encoded: Bool) {
        state.withLock { state in
            state.counters.queued -= 1
            if encoded { state.counters.encoded += 1 } else { state.counters.skipped += 1 }
        }
    }
}
