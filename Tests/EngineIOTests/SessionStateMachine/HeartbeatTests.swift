import NIOCore
import Testing
@testable import EngineIO

/// The heartbeat as a pure value: which timer, when, which generation; no I/O.
@Suite struct HeartbeatTests {
    /// A moment, in milliseconds from an arbitrary origin.
    static func at(_ milliseconds: Int64) -> NIODeadline {
        .uptimeNanoseconds(UInt64(1_000_000_000 + milliseconds * 1_000_000))
    }

    func at(_ milliseconds: Int64) -> NIODeadline { Self.at(milliseconds) }

    func schedule(_ milliseconds: Int64, _ generation: UInt32 = 0) -> EngineIOHeartbeat.Action {
        .schedule(at: at(milliseconds), generation: generation)
    }

    func ping(_ deadline: Int64, _ generation: UInt32 = 0) -> EngineIOHeartbeat.Action {
        .sendPing(thenScheduleAt: at(deadline), generation: generation)
    }

    /// pingInterval 300 ms, pingTimeout 200 ms, started at 0.
    func started(interval: Int64 = 300, timeout: Int64 = 200) -> EngineIOHeartbeat {
        var heartbeat = EngineIOHeartbeat(pingInterval: .milliseconds(interval), pingTimeout: .milliseconds(timeout))
        #expect(heartbeat.start(now: at(0)) == schedule(interval))
        return heartbeat
    }

    @Test func startSchedulesTheFirstPingAfterPingInterval() {
        let heartbeat = started()
        #expect(!heartbeat.awaitingPong)
        #expect(heartbeat.generation == 0)
        #expect(heartbeat.deadline == at(300))
        #expect(!heartbeat.hasTimedOut(at: at(10_000)), "nothing is awaited")
    }

    @Test func theTimerSendsAPingAndArmsThePongDeadline() {
        var heartbeat = started()
        #expect(heartbeat.timerFired(generation: 0, now: at(300)) == ping(500))
        #expect(heartbeat.awaitingPong)
        #expect(heartbeat.deadline == at(500))
    }

    @Test func aTimerOfAnotherGenerationDoesNothing() {
        var heartbeat = started()
        #expect(heartbeat.timerFired(generation: 1, now: at(300)) == EngineIOHeartbeat.Action.none)
        #expect(!heartbeat.awaitingPong)
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        #expect(heartbeat.timerFired(generation: 7, now: at(600)) == EngineIOHeartbeat.Action.none, "not a timeout either")
        #expect(heartbeat.awaitingPong)
    }

    @Test func aPongBeforeTheDeadlineSetsTheNextPingWithoutANewTimer() {
        var heartbeat = started()
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        // interval >= timeout: the armed timer (500) fires before the next
        // ping is due (350 + 300), so no new timer is armed...
        #expect(heartbeat.pongReceived(now: at(350)) == EngineIOHeartbeat.Action.none)
        #expect(!heartbeat.awaitingPong)
        #expect(heartbeat.generation == 0)
        #expect(!heartbeat.hasTimedOut(at: at(500)))
        // ...and when it fires it is moved to the next ping.
        #expect(heartbeat.timerFired(generation: 0, now: at(500)) == schedule(650))
        #expect(heartbeat.timerFired(generation: 0, now: at(650)) == ping(850))
        #expect(heartbeat.pongReceived(now: at(700)) == EngineIOHeartbeat.Action.none)
        #expect(heartbeat.timerFired(generation: 0, now: at(850)) == schedule(1000))
    }

    @Test func aPongWhenNoneIsAwaitedDoesNothing() {
        var heartbeat = started()
        #expect(heartbeat.pongReceived(now: at(100)) == EngineIOHeartbeat.Action.none)
        #expect(heartbeat.deadline == at(300))
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        _ = heartbeat.pongReceived(now: at(310))
        #expect(heartbeat.pongReceived(now: at(320)) == EngineIOHeartbeat.Action.none, "a second pong")
        #expect(heartbeat.timerFired(generation: 0, now: at(500)) == schedule(610), "the first pong counts")
    }

    @Test func aPongWithIntervalShorterThanTimeoutArmsAnEarlierTimerOfANewGeneration() {
        var heartbeat = started(interval: 100, timeout: 500)
        #expect(heartbeat.timerFired(generation: 0, now: at(100)) == ping(600))
        #expect(heartbeat.pongReceived(now: at(150)) == schedule(250, 1))
        #expect(heartbeat.generation == 1)
        // The old timer fires into nothing; the new one sends the next ping.
        #expect(heartbeat.timerFired(generation: 0, now: at(600)) == EngineIOHeartbeat.Action.none)
        #expect(heartbeat.timerFired(generation: 1, now: at(250)) == ping(750, 1))
        #expect(heartbeat.pongReceived(now: at(260)) == schedule(360, 2))
    }

    @Test func noPongByTheDeadlineTimesOut() {
        var heartbeat = started()
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        #expect(!heartbeat.hasTimedOut(at: at(499)))
        #expect(heartbeat.timerFired(generation: 0, now: at(500)) == .timedOut)
    }

    @Test func aPongAfterTheDeadlineComesTooLate() {
        // The caller applies hasTimedOut at a request's arrival, before the
        // pong it carries: a pong read after the deadline does not save the session.
        var heartbeat = started()
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        #expect(heartbeat.hasTimedOut(at: at(500)))
        #expect(heartbeat.hasTimedOut(at: at(501)))
        #expect(heartbeat.timerFired(generation: 0, now: at(503)) == .timedOut, "a late timer still times out")
    }

    @Test func aLateTimerWithinTheToleranceCountsTheTimeoutFromWhenThePingWasDue() {
        var heartbeat = started()
        #expect(EngineIOHeartbeat.lateTolerance == .milliseconds(10))
        #expect(heartbeat.timerFired(generation: 0, now: at(310)) == ping(500))
        var slightlyLate = started()
        #expect(slightlyLate.timerFired(generation: 0, now: at(304)) == ping(500))
    }

    @Test func aTimerLaterThanTheToleranceLeavesNearlyTheWholeTimeoutFromNow() {
        var heartbeat = started()
        #expect(heartbeat.timerFired(generation: 0, now: at(311)) == ping(501))
        var veryLate = started()
        #expect(veryLate.timerFired(generation: 0, now: at(1300)) == ping(1490))
        #expect(!veryLate.hasTimedOut(at: at(1489)))
        #expect(veryLate.hasTimedOut(at: at(1490)))
    }

    @Test func aLateMovedTimerPingsAtOnce() {
        // The pong set the next ping at 650; the timer armed for 500 runs
        // only at 700: the ping is overdue, it goes now.
        var heartbeat = started()
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        _ = heartbeat.pongReceived(now: at(350))
        #expect(heartbeat.timerFired(generation: 0, now: at(700)) == ping(890))
    }

    @Test func hasTimedOutOnlyWhileAPongIsAwaited() {
        var heartbeat = started()
        #expect(!heartbeat.hasTimedOut(at: at(0)))
        #expect(!heartbeat.hasTimedOut(at: at(300)))
        _ = heartbeat.timerFired(generation: 0, now: at(300))
        #expect(!heartbeat.hasTimedOut(at: at(300)))
        #expect(!heartbeat.hasTimedOut(at: at(499)))
        #expect(heartbeat.hasTimedOut(at: at(500)))
        _ = heartbeat.pongReceived(now: at(400))
        #expect(!heartbeat.hasTimedOut(at: at(500)))
        #expect(!heartbeat.hasTimedOut(at: at(5000)))
    }
}
