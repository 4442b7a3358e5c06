import NIOCore
import RoomCluster
import Testing

@Suite("Room lease machine")
struct RoomLeaseMachineTests {
    let timing = LeaseTiming(duration: .milliseconds(1500))   // renew every 500 ms, retry every 150 ms
    let start = NIODeadline.uptimeNanoseconds(10_000_000_000)
    var drift: TimeAmount { LeaseTiming.clockDriftAllowance(for: timing.duration) }

    @Test("the validity runs from when the acquisition was sent, less the drift allowance")
    func acquisitionGrantsFromTheSendTime() {
        var lease = RoomLeaseMachine(timing: timing)
        #expect(lease.acquire(now: start) == [.sendAcquire])
        #expect(lease.acquire(now: start) == [])   // one acquisition at a time
        let answeredAt = start + .milliseconds(40)
        let validUntil = start + .milliseconds(1500) - drift
        #expect(lease.acquired(fence: 3, now: answeredAt) == [
            .grant(fence: 3, validUntil: validUntil), .wake(at: start + .milliseconds(500)),
        ])
        #expect(lease.holds(at: answeredAt))
        #expect(lease.holds(at: validUntil - .nanoseconds(1)))
        #expect(!lease.holds(at: validUntil))
        #expect(validUntil < start + timing.duration)   // before Redis could expire the key
    }

    @Test("renewals extend the validity from each renewal's send time")
    func renewalsExtend() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        _ = lease.acquired(fence: 1, now: start + .milliseconds(10))
        var now = start
        for round in 1...10 {
            now = start + .milliseconds(Int64(500 * round))
            #expect(lease.timerFired(now: now).first == .sendRenewal(fence: 1))
            let answer = lease.renewed(stillHeld: true, now: now + .milliseconds(20))
            #expect(answer == [.grant(fence: 1, validUntil: now + .milliseconds(1500) - drift), .wake(at: now + .milliseconds(500))])
        }
        #expect(lease.holds(at: now + .milliseconds(1400)))
    }

    @Test("renewals that fail are retried, and the room stops when the validity runs out")
    func failedRenewalsExpire() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        _ = lease.acquired(fence: 1, now: start)
        let validUntil = start + .milliseconds(1500) - drift
        #expect(lease.timerFired(now: start + .milliseconds(500)) == [.sendRenewal(fence: 1), .wake(at: validUntil)])
        #expect(lease.renewalFailed(now: start + .milliseconds(510)) == [.wake(at: start + .milliseconds(660))])
        #expect(lease.timerFired(now: start + .milliseconds(660)) == [.sendRenewal(fence: 1), .wake(at: validUntil)])
        // This one never comes back (Redis stalled): the validity ends the lease.
        #expect(lease.timerFired(now: validUntil) == [.revoke(.expired)])
        #expect(lease.state == .lost(.expired))
        #expect(!lease.holds(at: validUntil))
        // Its late answer changes nothing.
        #expect(lease.renewed(stillHeld: true, now: validUntil + .milliseconds(5)) == [])
        #expect(!lease.holds(at: validUntil + .milliseconds(5)))
    }

    @Test("a renewal answered after the validity ended does not bring the lease back")
    func lateRenewalAnswerExpires() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        _ = lease.acquired(fence: 1, now: start)
        _ = lease.timerFired(now: start + .milliseconds(500))
        #expect(lease.renewed(stillHeld: true, now: start + .milliseconds(1500)) == [.revoke(.expired)])
        #expect(lease.state == .lost(.expired))
    }

    @Test("a renewal that finds the key someone else's revokes at once")
    func takeover() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        _ = lease.acquired(fence: 1, now: start)
        _ = lease.timerFired(now: start + .milliseconds(500))
        #expect(lease.renewed(stillHeld: false, now: start + .milliseconds(501)) == [.revoke(.takenOver)])
        #expect(!lease.holds(at: start + .milliseconds(502)))
        // It may be asked for again.
        #expect(lease.acquire(now: start + .milliseconds(600)) == [.sendAcquire])
    }

    @Test("refusals and failures leave the lease idle; a too-late grant is released")
    func refusals() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        #expect(lease.refused(holder: "node-b/4", now: start) == [.notAcquired(.heldElsewhere("node-b/4"))])
        #expect(lease.state == .idle)
        _ = lease.acquire(now: start)
        #expect(lease.acquireFailed(now: start) == [.notAcquired(.unreachable)])
        _ = lease.acquire(now: start)
        #expect(lease.acquired(fence: 9, now: start + .milliseconds(1500)) == [.sendRelease(fence: 9), .notAcquired(.answeredTooLate)])
        #expect(lease.state == .idle)
    }

    @Test("release revokes before it deletes; a release during the acquisition releases its answer")
    func release() {
        var lease = RoomLeaseMachine(timing: timing)
        _ = lease.acquire(now: start)
        _ = lease.acquired(fence: 2, now: start)
        #expect(lease.release(now: start + .milliseconds(1)) == [.revoke(.released), .sendRelease(fence: 2)])
        #expect(lease.timerFired(now: start + .milliseconds(500)) == [])

        var racing = RoomLeaseMachine(timing: timing)
        _ = racing.acquire(now: start)
        #expect(racing.release(now: start) == [])
        #expect(racing.acquired(fence: 5, now: start + .milliseconds(3)) == [.sendRelease(fence: 5)])
        #expect(!racing.holds(at: start + .milliseconds(4)))
    }
}
