import NIOCore
import NIOHTTP1
import NIOWebSocket
import EngineIOCore

/// WebSocket connections: new sessions, and probes of polling sessions.
extension EngineIOServer {
    /// Decides a WebSocket upgrade request: the extra 101 headers, or nil
    /// to leave the request to the HTTP handler's error answer.
    func validateWebSocket(head: HTTPRequestHead, on loop: any EventLoop) -> EventLoopFuture<HTTPHeaders?> {
        let request = EngineIORequest(method: head.method, uri: head.uri, headers: head.headers, remoteAddress: nil)
        var headers = HTTPHeaders()
        if let agreed = compression.negotiateDeflate(offer: head.headers[canonicalForm: "sec-websocket-extensions"].map(String.init)) {
            headers.add(name: "Sec-WebSocket-Extensions", value: agreed.responseHeaderValue)
        }
        let query = request.query
        guard verify(request, isUpgrade: true) == nil,
              query["transport"] == EngineIOTransportKind.websocket.rawValue else {
            return loop.makeSucceededFuture(nil)
        }
        guard let sid = query["sid"] else {
            if checkAllowRequest(request) != nil { return loop.makeSucceededFuture(nil) }
            return loop.makeSucceededFuture(headers)
        }
        guard let shard = shard(forSessionID: sid) else { return loop.makeSucceededFuture(nil) }
        let finalHeaders = headers
        // A WebSocket for an open session is accepted even when the session
        // cannot upgrade now (upgrading or upgraded already): the session
        // then closes it, as the reference does; only an unknown or closed
        // session's is refused with an HTTP error.
        return shard.eventLoop.submit {
            shard.session(sid) != nil ? finalHeaders : nil
        }.hop(to: loop)
    }

    /// A WebSocket was upgraded: open a session on it, or attach it as the
    /// probe of the polling session it names.
    func webSocketOpened(request: EngineIORequest, output: WebSocketOutput) {
        let loop = output.channel.eventLoop
        guard let sid = request.query["sid"] else {
            let shard = shard(for: loop)
            let socket = EngineIOSocket.webSocket(id: shard.makeSessionID(), request: request, server: self, shard: shard, output: output)
            shard.insert(socket)
            output.attach(NIOLoopBound(socket, eventLoop: loop), isActiveTransport: true)
            let open = handshake(upgrades: [], sid: socket.id).packet
            shard.traffic.sent(open)
            output.write(EngineIOOutboundPacket(packet: open))
            logger.debug("engine.io session opened", metadata: ["sid": "\(socket.id)", "transport": "websocket"])
            socket.observer?.sessionOpened(socket)
            onConnection(socket)
            socket.startHeartbeat()
            return
        }
        guard let shard = shard(forSessionID: sid) else {
            output.close(code: 1008)
            return
        }
        output.routeToProbedSession(sid, on: shard)
        withSession(sid) { socket in
            guard let socket else {
                output.close(code: 1008)
                return
            }
            socket.attachProbe(output)
        }
    }
}

extension EngineIOServer {
    /// Turns an upgraded connection into an Engine.IO WebSocket: our handler
    /// (frames cut from the bytes read, written raw, built once), then
    /// a new session or the probe of the polling session the URI names.
    func installWebSocket(on channel: any Channel, uri: String, headers: HTTPHeaders) throws {
        let agreement = compression.negotiateDeflate(offer: headers[canonicalForm: "sec-websocket-extensions"].map(String.init))
        let deflate = agreement.map { WebSocketDeflateState(agreement: $0) }
        let request = EngineIORequest(method: .GET, uri: uri, headers: headers, remoteAddress: channel.remoteAddress)
        let query = request.query
        // The connection's own revision, as the reference reads it per
        // transport; v3 only where it is allowed (the handshake or the
        // session's probe check refuses a mismatch).
        let version = configuration.allowEIO3 ? EngineIOProtocolVersion(eio: query["EIO"]) : .v4
        let handler = EngineIOWebSocketHandler(server: self, shard: shard(for: channel.eventLoop), deflate: deflate, version: version)
        try channel.pipeline.syncOperations.addHandler(handler)
        let output = WebSocketOutput(
            channel: channel, handler: handler, sendsCompressed: deflate?.sendsCompressed ?? false,
            version: version, base64Binary: query["b64"] != nil
        )
        webSocketOpened(request: request, output: output)
    }
}
