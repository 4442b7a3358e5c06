@testable import HuddleCLI
import NIOHTTP1
import Testing

/// `/healthz` and `/readyz` of `huddle serve`, without a server.
@Suite("Serve: health routes")
struct HealthRouteTests {
    @Test("healthz is ok; readyz is ready until shutdown begins, then 503 draining")
    func readiness() throws {
        let readiness = ServeReadiness()
        #expect(HealthRoutes.response(to: "/healthz", readiness: readiness)?.status == .ok)
        let ready = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(ready.status == .ok && String(buffer: ready.body) == "ready\n")
        #expect(ready.headers.first(name: "cache-control") == "no-store")
        readiness.beginDraining()
        let draining = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(draining.status == .serviceUnavailable && String(buffer: draining.body) == "draining\n")
        #expect(HealthRoutes.response(to: "/healthz", readiness: readiness)?.status == .ok, "alive while draining")
        #expect(HealthRoutes.response(to: "/ready", readiness: readiness) == nil)
        #expect(HealthRoutes.response(to: "/readyz/x", readiness: readiness) == nil)
    }
}
