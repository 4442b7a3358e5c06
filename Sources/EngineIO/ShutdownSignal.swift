import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM: how a server started from a shell or a
/// process manager learns it should shut down (then close its
/// ``HTTPServer`` and exit 0).
///
/// ```swift
/// let http = try await HTTPServer.start(host: "0.0.0.0", port: 3000, endpoints: [io.engine], group: group)
/// await ShutdownSignal.wait()
/// try await http.shutdown()
/// ```
public enum ShutdownSignal {
    /// Returns once SIGINT or SIGTERM arrives; both are ignored by the
    /// process from the first call on (no abrupt default exit).
    public static func wait() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
