public import NIOCore
public import NIOHTTP1

/// A complete HTTP response: what an Engine.IO endpoint answers a polling
/// request with, and what a fallback route (static files) returns.
///
/// ```swift
/// let page = HTTPResponse(status: .ok, headers: ["Content-Type": "text/html"], body: ByteBuffer(string: "<h1>hi</h1>"))
/// ```
public struct HTTPResponse: Sendable {
    /// Status line.
    public var status: HTTPResponseStatus
    /// Headers; Content-Length is set when the response is written.
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: ByteBuffer

    /// A response.
    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The reference server's JSON error answer.
    static func error(_ error: EngineIORequestError, message: String? = nil) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(
            status: HTTPResponseStatus(statusCode: error.httpStatus),
            headers: headers,
            body: ByteBuffer(string: error.body(message: message))
        )
    }

    /// A polling payload (`text/plain; charset=UTF-8`).
    static func payload(_ body: ByteBuffer) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }

    /// A v3 binary polling payload (`application/octet-stream`).
    static func binaryPayload(_ body: ByteBuffer) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }

    /// The answer to a POST that was taken.
    static var ok: HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html")
        return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(string: "ok"))
    }
}

/// Where the answer to one HTTP request goes: the request's connection,
/// which may live on another loop than the session that answers.
struct PollReply: Sendable {
    /// Identifies the request's connection (one request at a time per connection).
    let connection: ObjectIdentifier
    /// The request's headers (CORS, Accept-Encoding).
    let requestHeaders: HTTPHeaders
    let send: @Sendable (HTTPResponse) -> Void

    func respond(_ response: HTTPResponse) {
        send(response)
    }

    /// The request's body is `application/octet-stream` (a v3 binary payload).
    var isOctetStream: Bool {
        requestHeaders.first(name: "content-type")?.lowercased().hasPrefix("application/octet-stream") ?? false
    }
}
