import ArgumentParser
import SnapshotStore

/// The one place where failures become messages and exit codes.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | verification failed: a tick diverges, the recording does not replay, or a resumed session's link does not hold |
/// | 2 | the recording has a gap (the queue overflowed); verified up to it |
/// | 3 | no such session |
/// | 4 | the store cannot be used: missing, not a store, damaged, newer schema, in use |
/// | 5 | the session's room kind or logic version is not in this program's catalog |
/// | 6 | any other I/O error |
/// | 64 | bad command line (ArgumentParser's usage errors, typed option values) |
enum CLIExit {
    static let diverged: Int32 = 1
    static let gap: Int32 = 2
    static let unknownSession: Int32 = 3
    static let badStore: Int32 = 4
    static let unsupportedLogic: Int32 = 5
    static let io: Int32 = 6

    /// The exit code for a store error.
    static func code(for error: SnapshotStoreError) -> Int32 {
        switch error {
        case .diverged, .replayFailed, .corruptRecord: diverged
        case .unknownSession: unknownSession
        case .storeMissing, .notAStore, .corruptStore, .incompatibleSchema, .storeInUse: badStore
        case .unsupportedLogic: unsupportedLogic
        case .io: io
        }
    }

    /// Runs a command body: store errors are reported as `huddle: error: …`
    /// and turned into their exit code; usage errors go on to ArgumentParser
    /// (exit 64); anything else is an I/O error (exit 6).
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SnapshotStoreError {
            CLIContext.current.output.error(error.description)
            throw ExitCode(code(for: error))
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            // Anything else (writing the output, encoding JSON) is an I/O error,
            // never ArgumentParser's generic 1, which means "diverged" here.
            CLIContext.current.output.error("\(error)")
            throw ExitCode(io)
        }
    }
}
