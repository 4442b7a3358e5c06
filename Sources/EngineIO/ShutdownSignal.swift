import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM: how a server started from a shell or a
/// process manager learns it should shut down (then close its
/// ``HTTPServer`` and exit 0).
///
/// Create it before announcing that the server listens: from then on the
/// signals no longer end the process abruptly, so one sent right after the
/// announcement still gets a clean shutdown.
///
/// ```swift
/// let shutdown = ShutdownSignal()
/// let http = try await HTTPServer.start(host: "0.0.0.0", port: 3000, endpoints: [io.engine], group: group)
/// print("listening")
/// await shutdown.wait()
/// try await http.shutdown()
/// ```
public final class ShutdownSignal {
    private let stream: AsyncStream<Void>
    private let sources: [any DispatchSourceSignal]

    /// Starts catching SIGINT and SIGTERM now.
    public init() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        self.sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
    }

    /// Returns once SIGINT or SIGTERM has arrived (since `init`).
    public func wait() async {
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
