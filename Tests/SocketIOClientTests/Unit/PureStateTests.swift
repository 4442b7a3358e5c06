import NIOCore
@testable import SocketIOClient
import SocketIOCore
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("delays double from the minimum, jitter moves them, the maximum caps them")
    func schedule() {
        var exact = Backoff(min: .seconds(1), max: .seconds(5), jitter: 0.5)
        #expect((0..<5).map { _ in exact.duration(random: 0) } == [1, 2, 4, 5, 5].map { TimeAmount.seconds($0) })

        // 0.75: the tenth digit (7) is odd, so the jitter is added: + 0.75 * 0.5 * delay.
        var up = Backoff(min: .seconds(1), max: .seconds(5), jitter: 0.5)
        #expect((0..<3).map { _ in up.duration(random: 0.75) } == [1375, 2750, 5000].map { TimeAmount.milliseconds($0) })

        // 0.25: even tenth digit (2): subtracted.
        var down = Backoff(min: .seconds(1), max: .seconds(5), jitter: 0.5)
        #expect((0..<3).map { _ in down.duration(random: 0.25) } == [875, 1750, 3500].map { TimeAmount.milliseconds($0) })
        #expect(down.attempts == 3)
        down.reset()
        #expect(down.duration(random: 0.25) == .milliseconds(875))
    }

    @Test("no jitter without a randomization factor; huge attempt counts stay capped")
    func bounds() {
        var plain = Backoff(min: .milliseconds(100), max: .seconds(1), jitter: 0)
        #expect(plain.duration(random: 0.99) == .milliseconds(100))
        for _ in 0..<2000 { _ = plain.duration(random: 0.5) }
        #expect(plain.duration(random: 0.5) == .seconds(1))
    }
}

@Suite("Retry queue")
struct RetryQueueTests {
    @Test("one packet in flight; each is delivered once, in order, however many tries reached the server")
    func exactlyOnce() {
        var queue = RetryQueue(capacity: 10)
        let a = queue.enqueue(name: "a", arguments: [1], flags: EmitFlags())!
        let b = queue.enqueue(name: "b", arguments: [2], flags: EmitFlags())!
        #expect(queue.nextTry(force: false)?.seq == a)
        #expect(queue.nextTry(force: false) == nil)  // a is in flight

        // The first try times out: a goes again.
        #expect(queue.acknowledge(seq: a, failed: true, retries: 2) == .retry)
        #expect(queue.nextTry(force: false).map { ($0.seq, $0.tryCount) } ?? (99, 0) == (a, 2))
        // The second try is acknowledged: delivered; a late ack of any try is stale.
        #expect(queue.acknowledge(seq: a, failed: false, retries: 2) == .delivered)
        #expect(queue.acknowledge(seq: a, failed: false, retries: 2) == .stale)
        #expect(queue.nextTry(force: false)?.seq == b)
    }

    @Test("the tries of the head are known by ack id, timed out or not, until it leaves")
    func triesByAckID() {
        var queue = RetryQueue(capacity: 10)
        let a = queue.enqueue(name: "a", arguments: [], flags: EmitFlags())!
        let b = queue.enqueue(name: "b", arguments: [], flags: EmitFlags())!
        _ = queue.nextTry(force: false)
        queue.sent(seq: a, ackID: 7)
        #expect(queue.acknowledge(seq: a, failed: true, retries: 2) == .retry)  // try 1 timed out
        _ = queue.nextTry(force: false)
        queue.sent(seq: a, ackID: 8)
        queue.sent(seq: b, ackID: 99)  // not the head: ignored
        #expect(queue.headTry(ackID: 7) == a)  // the timed-out try still answers for a
        #expect(queue.headTry(ackID: 8) == a)
        #expect(queue.headTry(ackID: 99) == nil)
        #expect(queue.acknowledge(seq: a, failed: false, retries: 2) == .delivered)
        #expect(queue.headTry(ackID: 7) == nil)  // a left: its tries are stale
        #expect(queue.entries.first?.tryAckIDs == [])
    }

    @Test("gives up after the retries, and refuses emits beyond its capacity")
    func exhaustionAndCapacity() {
        var queue = RetryQueue(capacity: 1)
        let a = queue.enqueue(name: "a", arguments: [], flags: EmitFlags())!
        #expect(queue.enqueue(name: "b", arguments: [], flags: EmitFlags()) == nil)
        for _ in 0..<2 {
            #expect(queue.nextTry(force: false)?.seq == a)
            #expect(queue.acknowledge(seq: a, failed: true, retries: 1) == .retry || queue.isEmpty)
        }
        #expect(queue.isEmpty)
        // After a reconnection the head is sent again even if in flight.
        let c = queue.enqueue(name: "c", arguments: [], flags: EmitFlags())!
        #expect(queue.nextTry(force: false)?.seq == c)
        #expect(queue.nextTry(force: true).map { ($0.seq, $0.tryCount) } ?? (99, 0) == (c, 2))
    }
}

@Suite("Recovery state")
struct RecoveryStateTests {
    @Test("pid and offset go before the auth in CONNECT; the offset is stripped from events without ack")
    func pidAndOffset() {
        var state = RecoveryState()
        #expect(state.connectPayload(auth: nil) == nil)
        #expect(state.connectPayload(auth: ["token": "t"]) == ["token": "t"])
        #expect(state.connected(pid: "P1") == false)

        var arguments: [JSONValue] = ["hello", "offset-1"]
        state.takeOffset(from: &arguments, hasAckID: false)
        #expect(arguments == ["hello"])
        var withAck: [JSONValue] = ["question", "not-an-offset"]
        state.takeOffset(from: &withAck, hasAckID: true)
        #expect(withAck == ["question", "not-an-offset"])
        #expect(state.lastOffset == "offset-1")

        let payload = state.connectPayload(auth: ["token": "t"])
        #expect(payload.map { Array($0.keys) } == ["pid", "offset", "token"])
        #expect(payload == ["pid": "P1", "offset": "offset-1", "token": "t"])
        #expect(state.connected(pid: "P1") == true)
        // A new session: not recovered, and the old offset is forgotten.
        #expect(state.connected(pid: "P2") == false)
        #expect(state.connectPayload(auth: nil) == ["pid": "P2"])
    }

    @Test("without recovery (no pid) nothing is stripped")
    func noRecovery() {
        var state = RecoveryState()
        _ = state.connected(pid: nil)
        var arguments: [JSONValue] = ["a", "b"]
        state.takeOffset(from: &arguments, hasAckID: false)
        #expect(arguments == ["a", "b"])
    }
}

@Suite("Upgrade state machine")
struct UpgradeStateMachineTests {
    @Test("probe, 3probe, pause, switch")
    func happyPath() {
        var machine = UpgradeStateMachine()
        #expect(machine.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling, .websocket], upgradeEnabled: true) == .openProbe)
        #expect(!machine.holdsWrites)
        #expect(machine.probeOpened() == .sendProbePing)
        #expect(!machine.holdsWrites)  // writes go on over polling until 3probe
        #expect(machine.probeReceived(isProbeAnswer: true) == .pausePolling)
        #expect(machine.holdsWrites)
        #expect(machine.pollingPaused() == .switchToProbe)
        #expect(machine.state == .upgraded)
        #expect(!machine.holdsWrites)
        #expect(machine.probeFailed("late") == .none)
    }

    @Test("no upgrade when disabled, not offered, not allowed, or already on WebSocket")
    func noUpgrade() {
        var disabled = UpgradeStateMachine()
        #expect(disabled.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling, .websocket], upgradeEnabled: false) == .none)
        var notOffered = UpgradeStateMachine()
        #expect(notOffered.sessionOpened(on: .polling, serverUpgrades: [], allowedTransports: [.polling, .websocket], upgradeEnabled: true) == .none)
        var notAllowed = UpgradeStateMachine()
        #expect(notAllowed.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling], upgradeEnabled: true) == .none)
        var already = UpgradeStateMachine()
        #expect(already.sessionOpened(on: .websocket, serverUpgrades: [], allowedTransports: [.websocket], upgradeEnabled: true) == .none)
    }

    @Test("a failed probe leaves polling running, resuming it if it was paused")
    func failures() {
        var early = UpgradeStateMachine()
        _ = early.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling, .websocket], upgradeEnabled: true)
        #expect(early.probeFailed("refused") == .abandonProbe(resumePolling: false))

        var wrongAnswer = UpgradeStateMachine()
        _ = wrongAnswer.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling, .websocket], upgradeEnabled: true)
        _ = wrongAnswer.probeOpened()
        #expect(wrongAnswer.probeReceived(isProbeAnswer: false) == .abandonProbe(resumePolling: false))

        var whilePausing = UpgradeStateMachine()
        _ = whilePausing.sessionOpened(on: .polling, serverUpgrades: ["websocket"], allowedTransports: [.polling, .websocket], upgradeEnabled: true)
        _ = whilePausing.probeOpened()
        _ = whilePausing.probeReceived(isProbeAnswer: true)
        #expect(whilePausing.probeFailed("reset") == .abandonProbe(resumePolling: true))
        #expect(!whilePausing.holdsWrites)
        #expect(whilePausing.pollingPaused() == .none)
    }
}

@Suite("URLs and batching")
struct URLAndBatchingTests {
    @Test("server URLs: host, port, namespace, query; https and wss are TLS on 443 by default")
    func urls() throws {
        let url = try ServerURL(parsing: "http://example.com:3000/chat/?token=a%20b&x")
        #expect(url.host == "example.com")
        #expect(url.port == 3000)
        #expect(url.namespace == "/chat")
        #expect(url.query == ["token": "a b", "x": ""])
        #expect(url.hostHeader == "example.com:3000")
        #expect(try ServerURL(parsing: "ws://[::1]").hostHeader == "[::1]")
        #expect(try ServerURL(parsing: "http://h").namespace == "/")
        #expect(!url.isSecure)
        let secure = try ServerURL(parsing: "https://h/admin")
        #expect(secure.isSecure && secure.port == 443 && secure.hostHeader == "h" && secure.namespace == "/admin")
        #expect(secure.serverID == "https://h")
        #expect(try ServerURL(parsing: "wss://h:8443").hostHeader == "h:8443")
        #expect(try ServerURL(parsing: "https://h:80").hostHeader == "h:80")
        #expect(try ServerURL(parsing: "https://127.0.0.1").hostIsIPAddress)
        #expect(try ServerURL(parsing: "https://[::1]:3000").hostIsIPAddress)
        #expect(try !ServerURL(parsing: "https://localhost").hostIsIPAddress)
        #expect(throws: SocketIOClientError.self) { try ServerURL(parsing: "ftp://h") }
        #expect(throws: SocketIOClientError.self) { try ServerURL(parsing: "h:3000") }
        #expect(throws: SocketIOClientError.self) { try ServerURL(parsing: "http://h:99999") }
    }

    @Test("TLS options: the default is the system trust store with full verification and no client certificate")
    func tlsDefaults() throws {
        let resolved = try TLSOptions().resolvedConfiguration()
        #expect(resolved.trustRoots == .default)
        #expect(resolved.certificateVerification == .fullVerification)
        #expect(resolved.certificateChain.isEmpty)
        var relaxed = TLSOptions()
        relaxed.verification = .noHostnameVerification
        #expect(try relaxed.resolvedConfiguration().certificateVerification == .noHostnameVerification)
        #expect(try ClientTLS.make(for: ServerURL(parsing: "http://h"), options: TLSOptions()) == nil)
    }

    @Test("polling batches respect the server's maxPayload, binary counted as base64")
    func batches() {
        var buffer = WriteBuffer(byteLimit: 1 << 20)
        let text = OutgoingEnginePacket(packet: .init(type: .message, text: "12345678"), compress: true)  // 9 bytes
        let binary = OutgoingEnginePacket(packet: .binary(ByteBuffer(bytes: [1, 2, 3, 4, 5, 6])), compress: true)  // 1 + 8
        buffer.append(contentsOf: [text, binary, text, text])
        #expect(buffer.byteCount == 36)
        #expect(buffer.takeBatch(maxPayload: 19).count == 2)  // 9 + 1 + 9
        #expect(buffer.takeBatch(maxPayload: 5).count == 1)  // always at least one
        #expect(buffer.takeBatch(maxPayload: 0).count == 1)
        #expect(buffer.isEmpty && buffer.byteCount == 0)
    }
}
