package import Logging

/// When a store's retention works, shared by the SQLite and PostgreSQL
/// writers (each brings its own statements): a selection of victims every
/// interval, then their ticks deleted one chunk per writer cycle, so a large
/// deletion never holds a commit back for long. A failure stops the
/// deletions until the next selection (no spinning on a failing store).
///
/// Ownership: a value inside the writer's retention, used by its thread only.
package struct RetentionSchedule {
    private let intervalMicroseconds: Int64
    private let clock: @Sendable () -> Int64
    private var nextSelection: Int64
    private var deletionPending = true

    /// A schedule whose first selection is one interval from now (deletions left
    /// by an earlier run are resumed at once).
    package init(intervalSeconds: Int64, clock: @escaping @Sendable () -> Int64) {
        intervalMicroseconds = intervalSeconds * 1_000_000
        self.clock = clock
        nextSelection = clock() + intervalMicroseconds
    }

    /// When the writer should wake up for retention work even if idle.
    package func nextDue() -> Int64? { deletionPending ? clock() : nextSelection }

    /// One writer cycle: `select` when due, then one `deleteChunk` (which
    /// says whether ticks remain) while deletions are pending.
    package mutating func step(logger: Logger, select: () throws -> Void, deleteChunk: () throws -> Bool) {
        do {
            if clock() >= nextSelection {
                nextSelection = clock() + intervalMicroseconds
                deletionPending = true   // also resumes deletions a failure interrupted
                try select()
            }
            if deletionPending {
                deletionPending = try deleteChunk()
            }
        } catch {
            deletionPending = false
            logger.error("retention failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    /// Startup: select and delete everything due, synchronously.
    package mutating func runToCompletion<Failure: Error>(
        select: () throws(Failure) -> Void, deleteChunk: () throws(Failure) -> Bool
    ) throws(Failure) {
        try select()
        while try deleteChunk() {}
        deletionPending = false
    }
}
