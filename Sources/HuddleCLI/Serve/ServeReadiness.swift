import Synchronization

/// Whether `huddle serve` takes new users (`/readyz`): once it listens,
/// while every dependency it has answers, until shutdown begins (SIGTERM or
/// SIGINT), then draining while its rooms close and its connections end.
/// Shared by the serve command's services (which flip it) and the HTTP
/// routes (which read it on any loop).
///
/// ```swift
/// let readiness = ServeReadiness(checks: [ReadinessCheck(name: "store") { recorder.isOpen }])
/// readiness.listening()
/// readiness.state   // .ready
/// ```
final class ServeReadiness: Sendable {
    /// What `/readyz` reports.
    enum State: Equatable, Sendable {
        /// Taking users.
        case ready
        /// Not yet listening, or a dependency (named) is down.
        case notReady(String)
        /// Shutdown has begun.
        case draining
    }

    private let checks: [ReadinessCheck]
    private let phase = Mutex(Phase.starting)
    private enum Phase { case starting, listening, draining }

    /// Readiness that also asks `checks` (the store, a Redis adapter's connection, ...).
    init(checks: [ReadinessCheck] = []) {
        self.checks = checks
    }

    /// The listener is bound and announced.
    func listening() { phase.withLock { if $0 == .starting { $0 = .listening } } }

    /// Shutdown has begun: `/readyz` answers 503 from now on.
    func beginDraining() { phase.withLock { $0 = .draining } }

    /// Whether shutdown has begun.
    var isDraining: Bool { phase.withLock { $0 == .draining } }

    /// The state now (the checks asked now, in order; the first down one is named).
    var state: State {
        switch phase.withLock({ $0 }) {
        case .starting: return .notReady("listening")
        case .draining: return .draining
        case .listening:
            for check in checks where !check.isReady() { return .notReady(check.name) }
            return .ready
        }
    }
}

/// One dependency `/readyz` asks about: the session store (open, its last
/// commit went through), a Redis adapter's connections, ... Asked on every
/// `/readyz`, on an event loop: it must answer at once.
///
/// ```swift
/// ReadinessCheck(name: "redis") { cluster.isConnected }   // a Redis adapter's RedisCluster
/// ```
struct ReadinessCheck: Sendable {
    /// The name `/readyz` gives when this check fails (`not ready: NAME`).
    let name: String
    /// Whether the dependency is up.
    let isReady: @Sendable () -> Bool
}
