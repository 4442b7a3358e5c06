import NIOCore
import NIOPosix

/// A tiny Engine.IO server over raw TCP (its own HTTP parsing, polling
/// only) that misbehaves on purpose, session by session: garbage packets,
/// no pings, a connection reset in the middle of an upgrade.
///
/// Runs on a one-thread group, so its state needs no lock: everything
/// happens on that thread.
final class MisbehavingServer: @unchecked Sendable {
    /// How the N-th session (1-based) behaves.
    struct SessionPlan: Sendable {
        var pingInterval = 25_000
        var pingTimeout = 20_000
        var upgrades: [String] = []
        /// Packets pushed to the client right after it joined `/`.
        var afterConnect: [String] = []
        /// What to do with a WebSocket upgrade request.
        var onUpgrade = UpgradeReaction.refuse
        /// When `/` is joined (the CONNECT answer, then `afterConnect`).
        var connectAnswer = ConnectAnswer.onRequest
    }

    enum ConnectAnswer: Sendable {
        /// When the client's CONNECT arrives, as a server should.
        case onRequest
        /// In the handshake's response, right after the OPEN packet, before
        /// the client asks: the client handles both in one go, so its socket
        /// is connected from the moment the session opens, with no round
        /// trip in which a short ping deadline (armed by the OPEN) could
        /// expire first. The client's CONNECT is not answered again.
        case withOpen
        /// Never: the socket stays connecting.
        case never
    }

    enum UpgradeReaction: Sendable {
        /// Answer 400.
        case refuse
        /// Reset the upgrade's connection only.
        case resetProbe
        /// Reset the upgrade's connection and the session's held poll.
        case resetEverything
    }

    private struct Session {
        var number: Int
        var plan: SessionPlan
        var queue: [String] = []
        var heldPoll: (any Channel)?
    }

    let port: Int
    /// Every POSTed payload, as text.
    let posts = Recorder<String>()
    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let plan: @Sendable (Int) -> SessionPlan
    private var sessions: [String: Session] = [:]
    private var sessionCount = 0

    var url: String { "http://127.0.0.1:\(port)" }

    private init(group: MultiThreadedEventLoopGroup, listener: any Channel, plan: @escaping @Sendable (Int) -> SessionPlan) {
        self.group = group
        self.listener = listener
        self.plan = plan
        self.port = listener.localAddress?.port ?? 0
    }

    static func start(plan: @escaping @Sendable (Int) -> SessionPlan) async throws -> MisbehavingServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ServerBox()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawHTTPHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = MisbehavingServer(group: group, listener: listener, plan: plan)
        box.server = server
        return server
    }

    func stop() async throws {
        try await listener.close()
        try await group.shutdownGracefully()
    }

    /// Pushes packets to a session (answering its held poll if any).
    func push(_ packets: [String], toSession number: Int) {
        group.next().execute { [self] in
            guard let sid = sessions.first(where: { $0.value.number == number })?.key else { return }
            sessions[sid]?.queue += packets
            flush(sid)
        }
    }

    // MARK: - Requests (on the server's thread)

    fileprivate func handle(_ request: RawRequest, on channel: any Channel) {
        let query = request.query
        if query["transport"] == "websocket" {
            return upgrade(sid: query["sid"], on: channel)
        }
        guard let sid = query["sid"] else { return open(on: channel) }
        guard sessions[sid] != nil else { return respond(channel, status: "400 Bad Request", body: #"{"code":1,"message":"Session ID unknown"}"#) }
        if request.method == "POST" {
            posts.append(request.body)
            for packet in request.body.split(separator: "\u{1e}").map(String.init) {
                if packet.hasPrefix("40"), let session = sessions[sid] {
                    if session.plan.connectAnswer == .onRequest {
                        sessions[sid]?.queue += Self.joined(session)
                    }
                } else if packet == "1" {
                    sessions[sid] = nil
                }
            }
            respond(channel, body: "ok")
            if sessions[sid] != nil { flush(sid) }
        } else {
            sessions[sid]?.heldPoll = channel
            flush(sid)
        }
    }

    private func open(on channel: any Channel) {
        sessionCount += 1
        let plan = self.plan(sessionCount)
        let sid = "fake-session-\(sessionCount)"
        let session = Session(number: sessionCount, plan: plan)
        sessions[sid] = session
        let upgrades = plan.upgrades.map { "\"\($0)\"" }.joined(separator: ",")
        var packets = [#"0{"sid":"\#(sid)","upgrades":[\#(upgrades)],"pingInterval":\#(plan.pingInterval),"pingTimeout":\#(plan.pingTimeout),"maxPayload":1000000}"#]
        if plan.connectAnswer == .withOpen { packets += Self.joined(session) }
        respond(channel, body: packets.joined(separator: "\u{1e}"))
    }

    /// The CONNECT answer of `/`, then the plan's `afterConnect` packets.
    private static func joined(_ session: Session) -> [String] {
        [#"40{"sid":"socket-\#(session.number)"}"#] + session.plan.afterConnect
    }

    private func upgrade(sid: String?, on channel: any Channel) {
        guard let sid, let session = sessions[sid] else { return respond(channel, status: "400 Bad Request", body: "") }
        switch session.plan.onUpgrade {
        case .refuse:
            respond(channel, status: "400 Bad Request", body: "")
        case .resetProbe:
            reset(channel)
        case .resetEverything:
            reset(channel)
            if let poll = session.heldPoll { reset(poll) }
            sessions[sid] = nil
        }
    }

    private func flush(_ sid: String) {
        guard let session = sessions[sid], let poll = session.heldPoll, !session.queue.isEmpty else { return }
        sessions[sid]?.heldPoll = nil
        sessions[sid]?.queue = []
        respond(poll, body: session.queue.joined(separator: "\u{1e}"))
    }

    private func respond(_ channel: any Channel, status: String = "200 OK", body: String) {
        let bytes = Array(body.utf8)
        var buffer = channel.allocator.buffer(capacity: bytes.count + 128)
        buffer.writeString("HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: \(bytes.count)\r\n\r\n")
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Closes with a TCP reset (SO_LINGER 0).
    private func reset(_ channel: any Channel) {
        guard let provider = channel as? any SocketOptionProvider else {
            channel.close(promise: nil)
            return
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// Lets the child channels reach the server made after the bind.
private final class ServerBox: @unchecked Sendable {
    var server: MisbehavingServer?
}

private struct RawRequest {
    var method: String
    var target: String
    var body: String

    var query: [String: String] {
        guard let question = target.firstIndex(of: "?") else { return [:] }
        var out: [String: String] = [:]
        for pair in target[target.index(after: question)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }
}

/// Splits the byte stream into HTTP/1.1 requests (Content-Length bodies).
private final class RawHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let box: ServerBox
    private var pending = ByteBuffer()

    init(box: ServerBox) {
        self.box = box
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while let request = nextRequest() {
            box.server?.handle(request, on: context.channel)
        }
    }

    private func nextRequest() -> RawRequest? {
        let text = String(buffer: pending)
        guard let headEnd = text.firstRange(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound]
        let lines = head.split(separator: "\r\n")
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingPrefix(" ")) ?? 0
        }
        let headBytes = text[..<headEnd.upperBound].utf8.count
        guard pending.readableBytes >= headBytes + length else { return nil }
        pending.moveReaderIndex(forwardBy: headBytes)
        let body = pending.readString(length: length) ?? ""
        pending.discardReadBytes()
        return RawRequest(method: String(parts[0]), target: String(parts[1]), body: body)
    }
}
