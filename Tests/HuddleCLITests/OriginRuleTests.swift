@testable import HuddleCLI
import Testing

/// `huddle serve`'s origin rule: its own pages and non-browser clients in,
/// other sites out unless listed with `--cors-origin`.
@Suite("Serve: the origin rule")
struct OriginRuleTests {
    @Test("no Origin (not a browser) and the server's own origin are allowed; another site is not")
    func ownOrigin() {
        let rule = OriginRule(listed: [])
        #expect(rule.allows(origin: nil, host: "127.0.0.1:3000"))
        #expect(rule.allows(origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000"))
        #expect(rule.allows(origin: "https://Game.Example.com", host: "game.example.com"))
        #expect(!rule.allows(origin: "http://127.0.0.1:3001", host: "127.0.0.1:3000"))
        #expect(!rule.allows(origin: "https://evil.example", host: "127.0.0.1:3000"))
        #expect(!rule.allows(origin: "null", host: "127.0.0.1:3000"))
        #expect(!rule.allows(origin: "http://127.0.0.1:3000", host: nil))
    }

    @Test("listed origins are allowed exactly as given")
    func listed() {
        let rule = OriginRule(listed: ["http://localhost:5173"])
        #expect(rule.allows(origin: "http://localhost:5173", host: "127.0.0.1:3000"))
        #expect(!rule.allows(origin: "http://localhost:5174", host: "127.0.0.1:3000"))
    }

    @Test("an origin is scheme://host[:port] and nothing else")
    func authority() {
        #expect(OriginRule.authority(ofOrigin: "http://127.0.0.1:3000") == "127.0.0.1:3000")
        #expect(OriginRule.authority(ofOrigin: "https://example.com") == "example.com")
        for bad in ["null", "example.com", "http://", "http://a/b", "://a", "http://u@a", "ht tp://a"] {
            #expect(OriginRule.authority(ofOrigin: bad) == nil, "\(bad)")
        }
    }
}
