import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import Testing

@Suite("Failover's parts: seat keys and the orphaned rooms' list")
struct FailoverPartsTests {
    @Test("a seat key derives the same 22-character secret for a member on every node, another for another member or key")
    func seatKeysDerive() throws {
        let key = try #require(SeatKey(hex: "00112233445566778899aabbccddeeff"))
        let again = try #require(SeatKey(hex: "00112233445566778899AABBCCDDEEFF"))
        let other = try #require(SeatKey(hex: "00112233445566778899aabbccddeefe"))
        let alice = key.secret(for: "alice")
        #expect(alice.count == 22)
        #expect(again.secret(for: "alice") == alice)
        #expect(key.secret(for: "bob") != alice)
        #expect(other.secret(for: "alice") != alice)
        // A valid token of the room: the rejoin parser takes it.
        #expect(SeatToken(parsing: "\(alice).whiteboard-1")?.secret == alice)
        // HMAC-SHA256(key, "huddle-seat:alice"), its first 22 bytes' low 6 bits in base64url's alphabet.
        // (Computed independently with Python's hmac module.)
        #expect(alice == "Kc_WFhuebieim1rZaE-Ogo")
    }

    @Test("a seat key is 16 bytes or more of hex; anything else is refused")
    func seatKeyParsing() {
        #expect(SeatKey(hex: "") == nil)
        #expect(SeatKey(hex: "0011") == nil)
        #expect(SeatKey(hex: "00112233445566778899aabbccddeef") == nil)
        #expect(SeatKey(hex: "00112233445566778899aabbccddeefg") == nil)
        #expect(SeatKey(hex: String(repeating: "ab", count: 32)) != nil)
    }

    @Test("a seat policy without a key gives random seats, with one the derived seat")
    func seatPolicy() throws {
        let key = try #require(SeatKey(hex: "00112233445566778899aabbccddeeff"))
        #expect(SeatPolicy(key: key).newSeat(for: "alice") == key.secret(for: "alice"))
        #expect(SeatPolicy().newSeat(for: "alice") != SeatPolicy().newSeat(for: "alice"))
    }

    @Test("parked rejoins wait per room, are handed back when the room is settled, and expire; the list is bounded")
    func orphanedRooms() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let orphans = OrphanedRooms<String>(parkingTime: .seconds(10), suspicionTime: .seconds(30), maxParked: 3)
        orphans.suspect("arena-1", now: start)
        #expect(orphans.rooms == ["arena-1"] && orphans.parkedCount == 0)
        #expect(orphans.park("alice", of: "whiteboard-1", now: start))
        #expect(orphans.park("bob", of: "whiteboard-1", now: start + .seconds(5)))
        #expect(orphans.park("carol", of: "whiteboard-2", now: start))
        // Full: the fourth is refused (the caller answers serverBusy).
        #expect(!orphans.park("dave", of: "whiteboard-2", now: start))
        #expect(Set(orphans.rooms) == ["arena-1", "whiteboard-1", "whiteboard-2"] && orphans.parkedCount == 3)

        #expect(orphans.settle("whiteboard-2") == ["carol"])
        #expect(orphans.settle("whiteboard-2") == [])
        // Alice's wait ends at 10 s, Bob's at 15 s.
        #expect(orphans.expire(now: start + .seconds(9)) == [])
        #expect(orphans.expire(now: start + .seconds(10)) == ["alice"])
        #expect(orphans.rooms.contains("whiteboard-1") && orphans.parkedCount == 1)
        // A room suspected for longer than 30 s leaves the list, with its rejoins.
        #expect(orphans.expire(now: start + .seconds(31)) == ["bob"])
        #expect(orphans.rooms.isEmpty)
    }

    @Test("a resumed room's member owes a snapshot: no sequence it names is answered with operations until it got one")
    func resumedMembersGetASnapshot() {
        var replay = OperationReplay(limits: .init(batches: 8, bytes: 1 << 20), newest: 40, owesSnapshot: true)
        #expect(replay.operations(after: 40) == nil)
        #expect(replay.operations(after: 39) == nil)
        #expect(replay.operations(after: 41) == nil)
        replay.restarted(at: 42)
        #expect(replay.operations(after: 42) == ByteBuffer())
        replay.append(ByteBuffer(bytes: [1, 2]), first: 43, last: 43)
        #expect(replay.operations(after: 42) == ByteBuffer(bytes: [1, 2]))
    }
}
