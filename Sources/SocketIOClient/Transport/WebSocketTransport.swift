import EngineIOCore
import NIOCore

/// Engine.IO over one WebSocket: each packet is one message, text for text
/// packets (`4hello`), binary for binary ones (without a type byte).
///
/// Loop-confined. Writable while the channel is (NIO's write-buffer water
/// marks): when the server reads slowly, packets wait in the session's
/// bounded buffer instead of piling up in the channel.
final class WebSocketTransport: EngineTransport, WebSocketFrameHandlerDelegate {
    private enum State { case idle, connecting, open, closed }

    let kind = ClientTransport.websocket
    weak var delegate: (any EngineTransportDelegate)?
    var sid: String?

    private let configuration: EngineSessionConfiguration
    private let loop: any EventLoop
    private var state = State.idle
    private var channel: (any Channel)?
    private var handler: WebSocketFrameHandler?

    init(configuration: EngineSessionConfiguration, loop: any EventLoop) {
        self.configuration = configuration
        self.loop = loop
    }

    var isWritable: Bool {
        state == .open && (handler?.isWritable ?? false)
    }

    func open() {
        guard state == .idle else { return }
        state = .connecting
        WebSocketConnector.connect(configuration: configuration, sid: sid, loop: loop, transport: self)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(.upgraded(let upgraded)):
                    guard state == .connecting else {
                        upgraded.channel.close(promise: nil)
                        return
                    }
                    channel = upgraded.channel
                    handler = upgraded.handler.value
                    state = .open
                    delegate?.transportDidOpen(self)
                case .success(.refused(let channel)):
                    channel.close(promise: nil)
                    fail(.webSocketFailed("the server refused the upgrade"))
                case .failure(let error):
                    fail(.classify(error, otherwise: TransportFailure.webSocketFailed))
                }
            }
    }

    func send(_ packets: [OutgoingEnginePacket]) {
        guard state == .open, let handler else { return }
        handler.send(packets)
    }

    func pause(_ done: @escaping () -> Void) {
        done()
    }

    func resume() {}

    func close(_ mode: TransportCloseMode) {
        guard state != .closed else { return }
        let wasOpen = state == .open
        state = .closed
        delegate = nil
        if wasOpen, let handler {
            if case .notifyingServer(let final) = mode, !final.isEmpty { handler.send(final) }
            handler.close()
        } else {
            channel?.close(promise: nil)
        }
        handler = nil
        channel = nil
    }

    // MARK: - From the frame handler

    func received(text: ByteBuffer) {
        guard state == .open || state == .connecting else { return }
        let packet: EngineIOPacket
        do {
            packet = try EngineIOPacket.decodeText(text)
        } catch {
            return fail(.decoding(error))
        }
        delegate?.transport(self, didReceive: packet)
    }

    func received(binary: ByteBuffer) {
        guard state == .open || state == .connecting else { return }
        delegate?.transport(self, didReceive: .binary(binary))
    }

    func handlerDidBecomeWritable() {
        guard state == .open else { return }
        delegate?.transportDidDrain(self)
    }

    func handlerDidClose() {
        guard state != .closed else { return }
        let delegate = self.delegate
        state = .closed
        self.delegate = nil
        handler = nil
        channel = nil
        delegate?.transportDidClose(self)
    }

    func handlerDidFail(_ failure: TransportFailure) {
        fail(failure)
    }

    private func fail(_ failure: TransportFailure) {
        guard state != .closed else { return }
        let delegate = self.delegate
        close(.silently)
        delegate?.transport(self, didFail: failure)
    }
}
