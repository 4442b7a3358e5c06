import EngineIOCore
import NIOCore
import NIOHTTP1

/// Engine.IO over HTTP long-polling: a GET that the server holds until it
/// has packets, answered with a payload; then the next GET. Writes are POSTs
/// of a payload, one at a time (the session batches what accumulates).
///
/// Loop-confined. States: idle -> opening (first GET, answered with the
/// OPEN packet) -> open -> pausing -> paused (during an upgrade) -> closed.
final class PollingTransport: EngineTransport {
    private enum State { case idle, opening, open, pausing, paused, closed }

    let kind = ClientTransport.polling
    weak var delegate: (any EngineTransportDelegate)?
    var sid: String?

    private let configuration: EngineSessionConfiguration
    private let loop: any EventLoop
    private let poller: HTTPConnection
    private let writer: HTTPConnection
    private var state = State.idle
    private var isPolling = false
    private var isPosting = false
    private var onPaused: (() -> Void)?

    init(configuration: EngineSessionConfiguration, loop: any EventLoop) {
        self.configuration = configuration
        self.loop = loop
        let limit = configuration.maxIncomingMessageBytes
        let url = configuration.url
        let timeout = configuration.connectTimeout
        poller = HTTPConnection(loop: loop, url: url, connectTimeout: timeout, maxResponseBytes: limit, tls: configuration.tls)
        writer = HTTPConnection(loop: loop, url: url, connectTimeout: timeout, maxResponseBytes: 64 << 10, tls: configuration.tls)
    }

    var isWritable: Bool {
        switch state {
        case .open, .pausing, .paused: return !isPosting
        case .idle, .opening, .closed: return false
        }
    }

    func open() {
        guard state == .idle else { return }
        state = .opening
        poll()
    }

    func send(_ packets: [OutgoingEnginePacket]) {
        guard isWritable, !packets.isEmpty else { return }
        isPosting = true
        post(packets).whenComplete { [self] result in
            guard state != .closed else { return }
            isPosting = false
            switch result {
            case .failure(let error):
                fail(.classify(error, otherwise: TransportFailure.postFailed))
            case .success:
                if state == .pausing { checkPaused() }
                delegate?.transportDidDrain(self)
            }
        }
    }

    func pause(_ done: @escaping () -> Void) {
        guard state == .open else { return }
        state = .pausing
        onPaused = done
        checkPaused()
    }

    func resume() {
        guard state == .pausing || state == .paused else { return }
        state = .open
        onPaused = nil
        if !isPolling { poll() }
    }

    func close(_ mode: TransportCloseMode) {
        guard state != .closed else { return }
        let wasOpen = state == .open || state == .pausing || state == .paused
        state = .closed
        delegate = nil
        onPaused = nil
        poller.close()
        guard case .notifyingServer(let final) = mode, wasOpen, sid != nil else {
            writer.close()
            return
        }
        // The CLOSE packet (after whatever was still buffered) lets the
        // server end the session now instead of at its ping timeout. The
        // writer is closed when it is answered, or after a few seconds from
        // a server that does not answer.
        let packets = final + [OutgoingEnginePacket(packet: EngineIOPacket(type: .close), compress: false)]
        let writer = self.writer
        let guardTimer = loop.assumeIsolated().scheduleTask(in: .seconds(5)) { writer.close() }
        post(packets).whenComplete { _ in
            guardTimer.cancel()
            writer.close()
        }
    }

    // MARK: - Requests

    private func poll() {
        isPolling = true
        let head = requestHead(method: .GET)
        poller.send(head, body: nil).assumeIsolated().whenComplete { [self] result in
            guard state != .closed else { return }
            isPolling = false
            switch result {
            case .failure(let error):
                fail(.classify(error, otherwise: TransportFailure.pollFailed))
            case .success(let response):
                received(response)
            }
        }
    }

    private func received(_ response: NIOHTTPClientResponseFull) {
        let body = response.body ?? ByteBuffer()
        guard response.head.status == .ok else {
            return fail(.pollFailed("HTTP \(response.head.status.code) \(String(buffer: body).prefix(200))"))
        }
        let packets: [EngineIOPacket]
        do {
            packets = try EngineIOPayload.decode(body)
        } catch {
            return fail(.decoding(error))
        }
        for packet in packets {
            if state == .opening {
                guard packet.type == .open else {
                    return fail(.protocolViolation("the first poll did not answer with OPEN"))
                }
                state = .open
            }
            if packet.type == .close {
                let delegate = self.delegate
                close(.silently)
                delegate?.transportDidClose(self)
                return
            }
            delegate?.transport(self, didReceive: packet)
            if state == .closed { return }
        }
        switch state {
        case .open: poll()
        case .pausing: checkPaused()
        case .idle, .opening, .paused, .closed: return
        }
    }

    /// POSTs a payload; fails with a `postFailed` unless answered 200.
    private func post(_ packets: [OutgoingEnginePacket]) -> EventLoopFuture<Void>.Isolated {
        var head = requestHead(method: .POST)
        let body = EngineIOPayload.encode(packets.lazy.map(\.packet))
        head.headers.add(name: "Content-Type", value: "text/plain;charset=UTF-8")
        head.headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        return writer.send(head, body: body).flatMapThrowing { response in
            guard response.head.status == .ok else {
                throw TransportFailure.postFailed("HTTP \(response.head.status.code)")
            }
        }.flatMapErrorThrowing { error in
            throw TransportFailure.classify(error, otherwise: TransportFailure.postFailed)
        }.assumeIsolated()
    }

    private func requestHead(method: HTTPMethod) -> HTTPRequestHead {
        var head = HTTPRequestHead(
            version: .http1_1,
            method: method,
            uri: configuration.requestURI(transport: .polling, sid: sid)
        )
        head.headers.add(name: "Host", value: configuration.url.hostHeader)
        head.headers.add(name: "Accept", value: "*/*")
        for (name, value) in configuration.extraHeaders { head.headers.add(name: name, value: value) }
        return head
    }

    // MARK: - Pausing and failing

    private func checkPaused() {
        guard state == .pausing, !isPolling, !isPosting else { return }
        state = .paused
        let done = onPaused
        onPaused = nil
        done?()
    }

    private func fail(_ failure: TransportFailure) {
        guard state != .closed else { return }
        let delegate = self.delegate
        close(.silently)
        delegate?.transport(self, didFail: failure)
    }
}
