import ArgumentParser
import EngineIO
import NIOHTTP1

/// `--cors-origin`: which web pages of *other* origins may use `huddle
/// serve`. By default only its own pages may (a page it serves, or any page
/// whose origin is the server's own address): browsers get no CORS headers
/// for other origins, and a handshake whose `Origin` names another site is
/// refused (403), over polling and WebSocket alike, so a foreign page
/// cannot act for a visitor. Clients outside a browser send no `Origin` and
/// are not concerned.
///
/// ```text
/// huddle serve --cors-origin https://game.example.com --cors-origin http://localhost:5173
/// huddle serve --cors-origin '*'        # any page, without credentials
/// ```
struct OriginOptions: ParsableArguments {
    @Option(
        name: .customLong("cors-origin"),
        help: "A web origin (scheme://host[:port]) whose pages may connect, besides the server's own; repeat it for more; '*' for any, without credentials."
    )
    var corsOrigins: [String] = []

    func validate() throws {
        for origin in corsOrigins where origin != "*" && OriginRule.authority(ofOrigin: origin) == nil {
            throw ValidationError("--cors-origin \(origin): expected scheme://host[:port] (no path), or '*'")
        }
    }

    /// The CORS policy and the handshake check these flags describe.
    func apply(to configuration: inout EngineIOConfiguration) {
        OriginRule.apply(origins: corsOrigins, to: &configuration)
    }
}

/// Whether a handshake's `Origin` may connect: absent (not a browser), the
/// server's own (its authority is the request's `Host`), or listed.
struct OriginRule: Sendable, Equatable {
    /// Origins allowed besides the server's own, exactly as given.
    var listed: [String]

    func allows(origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        if listed.contains(origin) { return true }
        guard let authority = Self.authority(ofOrigin: origin), let host else { return false }
        return authority.lowercased() == host.lowercased()
    }

    /// Sets `configuration`'s CORS policy and handshake check: the server's
    /// own pages and `origins` (`"*"`: any page, without credentials).
    static func apply(origins: [String], to configuration: inout EngineIOConfiguration) {
        if origins.contains("*") {
            configuration.cors = CORSPolicy(origin: .any, credentials: false)
            return
        }
        let rule = OriginRule(listed: origins)
        configuration.cors = CORSPolicy(origin: .list(origins), credentials: true)
        configuration.allowRequest = { request in
            rule.allows(origin: request.headers.first(name: "origin"), host: request.headers.first(name: "host"))
                ? .allow : .deny(message: "origin not allowed (huddle serve --cors-origin)")
        }
    }

    /// `host[:port]` of `scheme://host[:port]`; nil for anything else
    /// (`null`, a path, no scheme).
    static func authority(ofOrigin origin: String) -> String? {
        guard let separator = origin.range(of: "://") else { return nil }
        let scheme = origin[..<separator.lowerBound]
        let authority = origin[separator.upperBound...]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }),
              !authority.isEmpty, !authority.contains("/"), !authority.contains("@") else { return nil }
        return String(authority)
    }
}
