import EngineIO
import NIOCore
import NIOHTTP1
import RoomEngineSocketIO
import SocketIO
import SocketIOCore

/// The HTTP side of `huddle serve`: the Socket.IO endpoint, and for every
/// other path `/stats` (asked of the room service, so answered
/// asynchronously) and the demo page's files (the official client bundle
/// included, see ``ServeAssets/respond(to:)``).
struct ServeHTTPServer {
    let http: HTTPServer
    let io: SocketIOServer

    /// Binds `host:port` and serves `io`, the assets and `/stats`.
    static func start(
        host: String,
        port: Int,
        io: SocketIOServer,
        assets: ServeAssets?,
        rooms: RoomService,
        readiness: ServeReadiness,
        metrics: ServeMetrics,
        group: any EventLoopGroup,
        limits: HTTPServerLimits = HTTPServerLimits(),
        prepareConnection: HTTPServer.ConnectionPreparation? = nil
    ) async throws -> ServeHTTPServer {
        let routes = ServeRoutes(assets: assets, rooms: rooms, readiness: readiness, metrics: metrics)
        let http = try await HTTPServer.start(
            host: host, port: port, endpoints: [io.engine],
            asyncFallback: { request, _, loop in routes.respond(to: request, on: loop) },
            group: group,
            limits: limits,
            prepareConnection: prepareConnection
        )
        metrics.listening(on: http)
        return ServeHTTPServer(http: http, io: io)
    }

    /// The port bound (the real one when 0 was asked for).
    var port: Int? { http.localAddress?.port }

    /// Stops accepting, then closes every session ("server shutting down").
    func shutdown() async {
        try? await http.shutdown()
    }
}

/// The requests that are not Engine.IO's.
struct ServeRoutes: Sendable {
    let assets: ServeAssets?
    let rooms: RoomService
    let readiness: ServeReadiness
    let metrics: ServeMetrics

    func respond(to request: EngineIORequest, on loop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let path = request.uri.prefix { $0 != "?" }
        guard request.method == .GET || request.method == .HEAD else {
            return loop.makeSucceededFuture(HTTPResponse(status: .methodNotAllowed))
        }
        if let health = HealthRoutes.response(to: path, readiness: readiness) {
            return loop.makeSucceededFuture(health)
        }
        switch path {
        case "/metrics":
            return metrics.response(on: loop)
        case "/stats":
            return rooms.stats(on: loop).map { stats in
                ServeAssets.response(type: "application/json", body: ByteBuffer(string: stats.json.jsonString), head: false)
            }
        default:
            let response = assets?.respond(to: request) ?? HTTPResponse(status: .notFound, body: ByteBuffer(string: "No assets"))
            return loop.makeSucceededFuture(response)
        }
    }
}
