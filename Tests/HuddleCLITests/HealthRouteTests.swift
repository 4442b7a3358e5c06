@testable import HuddleCLI
import NIOHTTP1
import Synchronization
import Testing

/// `/healthz` and `/readyz` of `huddle serve`, without a server.
@Suite("Serve: health routes")
struct HealthRouteTests {
    @Test("healthz is ok; readyz is ready once listening, until shutdown begins, then 503 draining")
    func readiness() throws {
        let readiness = ServeReadiness()
        #expect(HealthRoutes.response(to: "/healthz", readiness: readiness)?.status == .ok)
        let starting = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(starting.status == .serviceUnavailable && String(buffer: starting.body) == "not ready: listening\n")
        readiness.listening()
        let ready = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(ready.status == .ok && String(buffer: ready.body) == "ready\n")
        #expect(ready.headers.first(name: "cache-control") == "no-store")
        readiness.beginDraining()
        let draining = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(draining.status == .serviceUnavailable && String(buffer: draining.body) == "draining\n")
        readiness.listening()
        #expect(readiness.state == .draining, "draining for good")
        #expect(HealthRoutes.response(to: "/healthz", readiness: readiness)?.status == .ok, "alive while draining")
        #expect(HealthRoutes.response(to: "/ready", readiness: readiness) == nil)
        #expect(HealthRoutes.response(to: "/readyz/x", readiness: readiness) == nil)
    }

    @Test("readyz names the first dependency that is down (the store, a Redis adapter's connection) while it is down")
    func dependencies() throws {
        let store = Mutex(true), redis = Mutex(true)
        let readiness = ServeReadiness(checks: [
            ReadinessCheck(name: "store") { store.withLock { $0 } },
            ReadinessCheck(name: "redis") { redis.withLock { $0 } },
        ])
        readiness.listening()
        #expect(readiness.state == .ready)
        redis.withLock { $0 = false }
        let down = try #require(HealthRoutes.response(to: "/readyz", readiness: readiness))
        #expect(down.status == .serviceUnavailable && String(buffer: down.body) == "not ready: redis\n")
        store.withLock { $0 = false }
        #expect(readiness.state == .notReady("store"))
        store.withLock { $0 = true }
        redis.withLock { $0 = true }
        #expect(readiness.state == .ready)
        readiness.beginDraining()
        #expect(readiness.state == .draining)
    }
}
