import NIOCore
import ServiceLifecycle

/// Feeds `/metrics`'s registry every ``interval`` even when nobody scrapes,
/// so a scrape never has more than that much of the histograms' observations
/// to hand over (a tick's lateness, a commit's duration: one each). Stops
/// when shutdown begins.
struct MetricsRefreshService: Service {
    /// How often the registry is fed between scrapes.
    static let interval: Duration = .seconds(10)

    let metrics: ServeMetrics
    let loop: any EventLoop

    func run() async throws {
        let (metrics, loop) = (metrics, loop)
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: Self.interval) } catch { return }
                _ = try? await metrics.refresh(on: loop).get()
            }
        }
    }
}
