import NIOHTTP1

/// Cross-origin rules for the HTTP side of an endpoint (long-polling and the
/// preflight that browsers send before a cross-origin POST).
///
/// ```swift
/// let reflectAny = CORSPolicy(origin: .reflect, credentials: true)
/// let listed = CORSPolicy(origin: .list(["https://app.example"]))
/// ```
public struct CORSPolicy: Sendable {
    /// Which origins are allowed.
    public enum Origin: Sendable {
        /// `*`: any origin, without credentials.
        case any
        /// Echo the request's `Origin`, whatever it is.
        case reflect
        /// Only these origins (exact match); others get no CORS headers.
        case list([String])
        /// Decide per request.
        case custom(@Sendable (String) -> Bool)
    }

    /// Allowed origins.
    public var origin: Origin
    /// Whether to send `Access-Control-Allow-Credentials: true`.
    public var credentials: Bool
    /// Methods announced in preflight answers.
    public var methods = "GET,HEAD,PUT,PATCH,POST,DELETE"
    /// Preflight cache lifetime in seconds, if any.
    public var maxAge: Int?

    /// A policy.
    public init(origin: Origin, credentials: Bool = false, maxAge: Int? = nil) {
        self.origin = origin
        self.credentials = credentials
        self.maxAge = maxAge
    }

    /// Adds the headers for a response to a request with these headers.
    func apply(requestHeaders: HTTPHeaders, to headers: inout HTTPHeaders, preflight: Bool) {
        let requestOrigin = requestHeaders.first(name: "origin")
        let allowed: String?
        switch origin {
        case .any:
            allowed = "*"
        case .reflect:
            allowed = requestOrigin ?? "*"
        case .list(let origins):
            allowed = requestOrigin.flatMap { origins.contains($0) ? $0 : nil }
        case .custom(let decide):
            allowed = requestOrigin.flatMap { decide($0) ? $0 : nil }
        }
        guard let allowed else { return }
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: allowed)
        if allowed != "*" { headers.add(name: "Vary", value: "Origin") }
        if credentials { headers.replaceOrAdd(name: "Access-Control-Allow-Credentials", value: "true") }
        guard preflight else { return }
        headers.replaceOrAdd(name: "Access-Control-Allow-Methods", value: methods)
        if let requested = requestHeaders.first(name: "access-control-request-headers") {
            headers.replaceOrAdd(name: "Access-Control-Allow-Headers", value: requested)
            headers.add(name: "Vary", value: "Access-Control-Request-Headers")
        }
        if let maxAge { headers.replaceOrAdd(name: "Access-Control-Max-Age", value: String(maxAge)) }
    }
}
