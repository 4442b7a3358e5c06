import RoomEngine
import SnapshotStore

/// Input counts over a whole session, read in chunks.
struct InputRates {
    var perMember: [MemberID: Int] = [:]
    var seconds: Double = 0
    var averagePerSecond: Double = 0
    var peakPerSecond = 0
    var peakStartTick: UInt64 = 0

    static func measure(_ store: any SessionStore, _ summary: SessionSummary, ticksPerSecond: Int) throws(SnapshotStoreError) -> InputRates {
        var rates = InputRates()
        let rate = UInt64(max(ticksPerSecond, 1))
        var bucketStart = summary.startTick + 1
        var bucketCount = 0
        var low = summary.startTick + 1
        while low <= summary.lastTick {
            let high = min(low + 9_999, summary.lastTick)
            for stored in try store.ticks(of: summary.id, in: low...high) {
                if stored.tick.tick >= bucketStart + rate {
                    rates.notePeak(bucketCount, from: bucketStart)
                    bucketStart += (stored.tick.tick - bucketStart) / rate * rate
                    bucketCount = 0
                }
                bucketCount += stored.tick.inputs.count
                for input in stored.tick.inputs { rates.perMember[input.member, default: 0] += 1 }
            }
            low = high + 1
        }
        rates.notePeak(bucketCount, from: bucketStart)
        rates.seconds = Double(summary.lastTick - summary.startTick) / Double(rate)
        rates.averagePerSecond = rates.seconds > 0 ? Double(summary.inputCount) / rates.seconds : 0
        return rates
    }

    private mutating func notePeak(_ count: Int, from tick: UInt64) {
        if count > peakPerSecond {
            peakPerSecond = count
            peakStartTick = tick
        }
    }
}
