import Foundation
import NIOCore
@testable import RoomClient
import RoomEngine
import RoomEngineSocketIO
import Testing

/// The protocol's JSON answers as the client reads them, the updates
/// buffer's overflow, and the client's vocabulary checked against the
/// server's (RoomWire) and the protocol document.
@Suite("Room protocol values (no network)")
struct ProtocolValueTests {
    @Test("the event names are the server's")
    func eventNames() {
        #expect(RoomEvents.join == RoomWire.Event.join)
        #expect(RoomEvents.leave == RoomWire.Event.leave)
        #expect(RoomEvents.list == RoomWire.Event.list)
        #expect(RoomEvents.input == RoomWire.Event.input)
        #expect(RoomEvents.deltaAck == RoomWire.Event.deltaAck)
        #expect(RoomEvents.delta == RoomWire.Event.delta)
        #expect(RoomEvents.operations == RoomWire.Event.operations)
        #expect(RoomEvents.error == RoomWire.Event.error)
        #expect(RoomEvents.closed == RoomWire.Event.closed)
    }

    @Test("every error code of docs/room-protocol.md has a named RoomClientError.Code")
    func errorCodesOfTheDocument() throws {
        let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/room-protocol.md"), encoding: .utf8)
        let section = try #require(doc.components(separatedBy: "## Errors").last?.components(separatedBy: "\n## ").first)
        var documented: Set<String> = []
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let codes = line.split(separator: "|")[0]
            for code in codes.split(separator: ",") {
                documented.insert(code.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")))
            }
        }
        #expect(documented.count >= 20)
        let named = Set(RoomClientError.Code.protocolCodes.map(\.rawValue))
        #expect(documented.subtracting(named).isEmpty, "documented but not named: \(documented.subtracting(named).sorted())")
        // And the server spells the engine's refusals the same way.
        let engineErrors: [RoomError] = [
            .truncated, .malformed("x"), .inputTooLarge(size: 2, limit: 1), .roomInputQueueFull(limit: 1),
            .memberInputQueueFull(limit: 1), .unknownRoomKind("x"), .notAMember("m"), .roomFull(capacity: 1),
            .joinRefused("x"), .roomClosed, .acknowledgementFromTheFuture(acked: 2, current: 1), .outOfRange("x"),
            .limitReached("x"), .unknownElement("x"), .duplicateElement("x"),
        ]
        for error in engineErrors {
            #expect(named.contains(RoomWireError(error).code), "\(error)")
        }
        for error in [RoomWireError.notInRoom, .alreadyInRoom, .joinInProgress, .rateLimited, .serverBusy, .shuttingDown, .tooSlow] {
            #expect(named.contains(error.code))
        }
    }

    @Test("answers: a join, an input receipt, a listing, and the errors they carry")
    func answers() throws {
        let snapshot = RoomSnapshot(kind: "counter", logicVersion: 1, roomID: "counter-1", tick: 3, operationSequence: 1,
                                    members: ["m"], state: [0])
        let joined = RoomWire.joined(room: "counter-1", kind: "counter", member: "m", tickRate: 10,
                                     seat: "seat-token", graceMilliseconds: 15_000,
                                     snapshot: ByteBuffer(bytes: snapshot.encodedBytes()))
        let answer = try JoinAnswer.parse([joined]).get()
        #expect(answer == JoinAnswer(room: "counter-1", kind: "counter", member: "m", tickRate: 10, snapshot: snapshot.encodedBytes(),
                                     seat: RoomSeat(token: "seat-token", grace: .milliseconds(15_000))))

        let refused = RoomWireError(.roomFull(capacity: 8)).json()
        #expect(throws: RoomClientError(code: .roomFull, message: "the room holds 8 members")) { try JoinAnswer.parse([refused]).get() }
        #expect(throws: RoomClientError.self) { try JoinAnswer.parse([.object(["room": "x"])]).get() }

        #expect(try InputReceipt.parse([RoomWire.applied(receipt: 7, tick: 12)]).get() == InputReceipt(receipt: 7, tick: 12))
        let rejected = RoomWireError(.unknownElement("stroke 3")).json(receipt: 9)
        #expect(throws: RoomClientError(code: .unknownElement, message: "unknown stroke 3", receipt: 9)) {
            try InputReceipt.parse([rejected]).get()
        }

        let listing = RoomWire.listing([RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 32)])
        #expect(try RoomListing.parse([listing]).get() == [RoomListing(id: "whiteboard-1", kind: "whiteboard", members: 2, capacity: 32)])

        let event = RoomWireError(.malformed("unknown tag")).event(for: "input", receipt: nil)
        #expect(RoomClientError(event: event) == RoomClientError(code: .malformed, message: "unknown tag", event: "input"))
    }

    @Test("Socket.IO failures map to connectionLost, timeout and connectionFailed")
    func socketFailures() {
        let lost = SocketIOClientError(code: .disconnected, message: "socket has been disconnected")
        #expect(RoomClientError(lost).code == .connectionLost)
        #expect(RoomClientError(SocketIOClientError(code: .ackTimeout, message: "operation has timed out")).code == .timeout)
        #expect(RoomClientError(lost, whileConnecting: true).code == .connectionFailed)
        #expect(RoomClientError(SocketIOClientError(code: .connectTimeout, message: "timeout"), whileConnecting: true).code == .connectionFailed)
    }

    @Test("the updates buffer: the consumer gets what fits, then updatesOverflow; the room's own feed then refuses more")
    func updatesOverflow() async throws {
        var (feed, updates) = RoomUpdateFeed<CounterLikeLogic>.make(limit: 3)
        for refusal in 0..<5 {
            feed.yield(.refused(RoomClientError(code: .rateLimited, message: "\(refusal)")))
        }
        #expect(feed.isFinished)
        var received: [String] = []
        do {
            for try await update in updates {
                if case .refused(let error) = update { received.append(error.message) }
            }
            Issue.record("the sequence ended without the overflow error")
        } catch let error as RoomClientError {
            #expect(error.code == .updatesOverflow)
        }
        #expect(received == ["0", "1", "2"])
    }

    @Test("a finished feed ends its sequence normally")
    func finishedFeed() async throws {
        var (feed, updates) = RoomUpdateFeed<CounterLikeLogic>.make(limit: 3)
        feed.yield(.refused(RoomClientError(code: .rateLimited, message: "x")))
        feed.finish(throwing: nil)
        feed.yield(.refused(RoomClientError(code: .rateLimited, message: "after")))
        var count = 0
        for try await _ in updates { count += 1 }
        #expect(count == 1)
    }
}

/// Any logic will do for the feed's tests.
typealias CounterLikeLogic = WhiteboardVersion2

/// The package's root directory (for the documents the tests read).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // RoomClientTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()
