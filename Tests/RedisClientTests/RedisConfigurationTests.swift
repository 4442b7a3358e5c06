import NIOCore
import RedisClient
import Testing

@Suite("Redis configuration: URLs and backoff")
struct RedisConfigurationTests {
    @Test func hostOnlyGetsTheDefaultPort() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.local")
        #expect(configuration.host == "cache.local")
        #expect(configuration.port == 6379)
        #expect(configuration.password == nil && configuration.username == nil && configuration.database == nil)
    }

    @Test func everyPart() throws {
        let configuration = try RedisConfiguration(url: "redis://alice:s%40cret@10.0.0.5:6380/3")
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "alice")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == 3)
    }

    @Test func passwordOnly() throws {
        let colon = try RedisConfiguration(url: "redis://:secret@localhost:6379")
        #expect(colon.username == nil && colon.password == "secret")
        let bare = try RedisConfiguration(url: "redis://secret@localhost")
        #expect(bare.username == nil && bare.password == "secret")
    }

    @Test func ipv6() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:7000/0")
        #expect(configuration.host == "::1" && configuration.port == 7000 && configuration.database == 0)
    }

    @Test(arguments: ["http://localhost", "rediss://localhost", "redis://", "redis://host:0", "redis://host:99999", "redis://host:x", "redis://host/db", "redis://host/-1", "redis://:%zz@host"])
    func invalid(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }

    @Test func backoffDoublesUpToTheCap() {
        let backoff = RedisBackoff(initialDelay: .milliseconds(100), maxDelay: .seconds(5), multiplier: 2, jitter: 0.5)
        #expect(backoff.delay(afterFailures: 1, random: 0) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2, random: 0) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 6, random: 0) == .milliseconds(3200))
        #expect(backoff.delay(afterFailures: 7, random: 0) == .seconds(5))
        #expect(backoff.delay(afterFailures: 1000, random: 0) == .seconds(5))
        // Jitter takes up to half off.
        #expect(backoff.delay(afterFailures: 1, random: 0.999_999) > .milliseconds(50))
        #expect(backoff.delay(afterFailures: 1, random: 1) == .milliseconds(50))
    }
}
