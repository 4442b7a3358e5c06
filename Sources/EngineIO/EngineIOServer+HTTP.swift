import NIOCore
import NIOHTTP1
import EngineIOCore

/// Long-polling requests: the handshake GET, then GETs and POSTs with a sid.
extension EngineIOServer {
    /// Handles one complete HTTP request on the request's own loop.
    func handleHTTP(request: EngineIORequest, body: ByteBuffer, reply: PollReply, on loop: any EventLoop) {
        if let error = verify(request, isUpgrade: false) {
            reply.respond(.error(error))
            return
        }
        guard let sid = request.query["sid"] else {
            openPollingSession(request: request, reply: reply, on: loop)
            return
        }
        let method = request.method
        withSession(sid) { socket in
            guard let socket else {
                reply.respond(.error(.unknownSessionID))
                return
            }
            switch method {
            case .GET: socket.handlePoll(reply)
            case .POST: socket.handlePost(body, reply: reply)
            default: reply.respond(.error(.badRequest))
            }
        }
    }

    private func openPollingSession(request: EngineIORequest, reply: PollReply, on loop: any EventLoop) {
        if let (error, message) = checkAllowRequest(request) {
            reply.respond(.error(error, message: message))
            return
        }
        let shard = shard(for: loop)
        let sid = shard.makeSessionID()
        let open = handshake(upgrades: pollingUpgrades, sid: sid).packet
        let query = request.query
        let format = EngineIOPollingFormat(version: EngineIOProtocolVersion(eio: query["EIO"]), base64: query["b64"])
        let socket = EngineIOSocket.polling(id: sid, request: request, server: self, shard: shard, open: open, format: format)
        shard.traffic.sent(open)
        shard.insert(socket)
        logger.debug("engine.io session opened", metadata: ["sid": "\(socket.id)", "transport": "polling"])
        socket.observer?.sessionOpened(socket)
        onConnection(socket)
        socket.startHeartbeat()
        // The handshake GET takes the open packet and whatever the
        // application sent from its connection handler.
        var handshakeReply = reply
        if let cookie = configuration.cookie {
            let header = cookie.header(for: socket.id)
            let send = reply.send
            handshakeReply = PollReply(connection: reply.connection, requestHeaders: reply.requestHeaders) { response in
                var response = response
                response.headers.add(name: "Set-Cookie", value: header)
                send(response)
            }
        }
        socket.handlePoll(handshakeReply)
    }

    /// The connection of a held GET closed.
    func pollConnectionClosed(sid: String, connection: ObjectIdentifier) {
        withSession(sid) { socket in socket?.pollAborted(connection: connection) }
    }
}
