import Testing
@testable import RoomEngine

/// The mailbox between any thread and a room's next tick: bounded, newest
/// acknowledgement per member, nothing taken after close.
@Suite struct RoomInboxTests {
    static func input(_ member: MemberID, _ byte: UInt8, into answers: Collected<(MemberID, Result<UInt64, RoomError>)>? = nil) -> RoomInbox.PostedInput {
        RoomInbox.PostedInput(bytes: [byte], member: member) { answers?.append((member, $0)) }
    }

    static func acknowledgement(_ tick: UInt64) -> RoomInbox.PostedAcknowledgement {
        RoomInbox.PostedAcknowledgement(tick: tick) { _ in }
    }

    @Test func inputsAreTakenInPostingOrderAndOnlyOnce() {
        let inbox = RoomInbox(inputLimit: 8)
        #expect(inbox.post(Self.input("a", 1)) == nil)
        #expect(inbox.post(Self.input("b", 2)) == nil)
        #expect(inbox.post(Self.input("a", 3)) == nil)
        #expect(inbox.drain().inputs.map { $0.bytes } == [[1], [2], [3]])
        #expect(inbox.drain().isEmpty)
    }

    @Test func pastItsLimitAnInputIsRefusedAndNothingWaitingIsLost() {
        let inbox = RoomInbox(inputLimit: 2)
        #expect(inbox.post(Self.input("a", 1)) == nil)
        #expect(inbox.post(Self.input("a", 2)) == nil)
        #expect(inbox.post(Self.input("b", 3)) == .full(limit: 2))
        #expect(inbox.drain().inputs.map { $0.bytes } == [[1], [2]])
        #expect(inbox.post(Self.input("b", 3)) == nil, "room again once drained")
    }

    @Test func onlyTheNewestAcknowledgementOfAMemberWaitsAndTheBoundDropsNewMembers() {
        let inbox = RoomInbox(inputLimit: 1)
        #expect(inbox.post(Self.acknowledgement(5), by: "a") == nil)
        #expect(inbox.post(Self.acknowledgement(3), by: "a") == nil, "older: kept out, not refused")
        #expect(inbox.post(Self.acknowledgement(7), by: "a") == nil)
        #expect(inbox.post(Self.acknowledgement(1), by: "b") == nil, "past the bound: dropped, not refused")
        let taken = inbox.drain()
        #expect(taken.acknowledgements.mapValues(\.tick) == ["a": 7])
    }

    @Test func anInputCanCarryAnAcknowledgementThatStandsEvenWhenTheInputIsRefused() {
        let inbox = RoomInbox(inputLimit: 1)
        #expect(inbox.post(Self.input("a", 1), acknowledging: Self.acknowledgement(3)) == nil)
        #expect(inbox.post(Self.input("a", 2), acknowledging: Self.acknowledgement(4)) == .full(limit: 1))
        let taken = inbox.drain()
        #expect(taken.inputs.map { $0.bytes } == [[1]])
        #expect(taken.acknowledgements.mapValues(\.tick) == ["a": 4])
    }

    @Test func aMembersPostsCanBeTakenOutAlone() {
        let inbox = RoomInbox(inputLimit: 8)
        _ = inbox.post(Self.input("a", 1))
        _ = inbox.post(Self.input("b", 2))
        _ = inbox.post(Self.input("a", 3))
        _ = inbox.post(Self.acknowledgement(4), by: "a")
        let removed = inbox.removeAll(from: "a")
        #expect(removed.inputs.map { $0.bytes } == [[1], [3]])
        #expect(removed.acknowledgements.keys.sorted() == ["a"])
        let left = inbox.drain()
        #expect(left.inputs.map { $0.bytes } == [[2]])
        #expect(left.acknowledgements.isEmpty)
    }

    @Test func afterCloseEveryPostIsRefused() {
        let inbox = RoomInbox(inputLimit: 8)
        _ = inbox.post(Self.input("a", 1))
        #expect(inbox.close().inputs.count == 1)
        #expect(inbox.post(Self.input("a", 2)) == .closed)
        #expect(inbox.post(Self.acknowledgement(1), by: "a") == .closed)
        #expect(inbox.drain().isEmpty)
    }
}
