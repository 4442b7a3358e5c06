import Foundation
import SnapshotStore

/// The one-recorder-per-store lock: an exclusive `flock` on `<store>-lock`,
/// held for the recorder's lifetime.
///
/// The kernel releases it when the process dies, even by `kill -9`, which
/// is what lets readers tell a live session from a crashed one: a session
/// without an end whose store nobody holds locked is incomplete.
final class RecorderLock: Sendable {
    /// The lock file's path for a store path.
    static func path(forStore store: String) -> String { store + "-lock" }

    private let descriptor: Int32

    /// Takes the lock, retrying for `patience` seconds (a reader's probe
    /// holds a shared lock for an instant).
    init(store: String, patience: Double = 2) throws(SnapshotStoreError) {
        let path = Self.path(forStore: store)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("\(path): cannot open lock file (errno \(errno))") }
        let deadline = Date().addingTimeInterval(patience)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(descriptor)
                throw .storeInUse(path: store)
            }
            usleep(10_000)
        }
        self.descriptor = descriptor
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Whether some process holds the store's recorder lock right now.
    static func isHeld(store: String) -> Bool {
        let path = path(forStore: store)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
