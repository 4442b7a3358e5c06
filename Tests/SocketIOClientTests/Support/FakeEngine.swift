import EngineIOCore
import NIOCore
import NIOEmbedded
@testable import SocketIOClient

/// An Engine.IO session that does no I/O: the test opens it, fails it,
/// drops it and feeds it packets, on the manager's loop.
final class FakeEngine: EngineConnection {
    var delegate: (any EngineConnectionDelegate)?
    var isWritable = true
    var transport: ClientTransport? { isOpen ? .websocket : nil }
    private(set) var isOpen = false
    private(set) var isClosed = false
    private(set) var openCalls = 0
    /// Text packets sent, as their Socket.IO text (without Engine.IO's `4`).
    private(set) var sentText: [String] = []

    func open() { openCalls += 1 }

    func send(_ packets: [EngineIOPacket], compress: Bool) {
        for packet in packets where !packet.isBinary {
            sentText.append(String(buffer: packet.data))
        }
    }

    func close() {
        isClosed = true
        isOpen = false
        delegate = nil
    }

    // Driving it from a test (on the loop).

    func succeedOpen() {
        isOpen = true
        delegate?.engineDidOpen(self, handshake: EngineHandshakeInfo(sid: "fake", upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1_000_000))
    }

    func failOpen() {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.engine(self, didFailToOpen: .pollFailed("refused by the test"))
    }

    func drop(_ reason: EngineCloseReason = .transportClose) {
        isOpen = false
        let delegate = self.delegate
        self.delegate = nil
        delegate?.engine(self, didCloseWith: reason, failure: nil)
    }

    func deliver(_ text: String) {
        delegate?.engine(self, didReceive: EngineIOPacket(type: .message, text: text))
    }
}

/// The fake engines a manager made, in order. Only touched on the test loop.
final class FakeEngines: @unchecked Sendable {
    private(set) var all: [FakeEngine] = []

    var last: FakeEngine { all[all.count - 1] }

    var factory: EngineFactory {
        { [self] _, _ in
            let engine = FakeEngine()
            all.append(engine)
            return engine
        }
    }
}

extension ClientOptions {
    /// Options for a manager on a manual-clock loop with fake engines:
    /// fixed jitter, no handshake timeout.
    static func manualClock(_ loop: NIOAsyncTestingEventLoop, random: Double = 0.75) -> ClientOptions {
        var options = ClientOptions()
        options.eventLoopGroup = loop
        options.random = { random }
        options.timeout = .zero
        options.reconnectionDelay = .seconds(1)
        options.reconnectionDelayMax = .seconds(5)
        return options
    }
}
