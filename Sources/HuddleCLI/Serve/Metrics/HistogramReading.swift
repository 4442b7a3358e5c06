import RoomEngineSocketIO
import SnapshotStore

/// A histogram as the server keeps it (counts per bucket, not cumulative,
/// and the exact sum), read for `/metrics`. Two readings give what was
/// observed in between (``since(_:)``), which ``observations`` turns into
/// values to record into a Prometheus histogram with the same edges.
struct HistogramReading: Equatable, Sendable {
    /// The upper bucket edges, ascending.
    var edges: [Double]
    /// Observations per bucket: `bins[i]` in `(edges[i-1], edges[i]]`
    /// (from zero for the first), the last above every edge.
    var bins: [UInt64]
    /// The sum of the observations, in `unit`s (an integer, so differences are exact).
    var sumUnits: UInt64
    /// What one of `sumUnits` is worth (1e-9 for nanoseconds).
    var unit: Double

    /// Nothing observed.
    init(edges: [Double], unit: Double) {
        self.edges = edges
        self.bins = Array(repeating: 0, count: edges.count + 1)
        self.sumUnits = 0
        self.unit = unit
    }

    /// Observations counted.
    var count: UInt64 { bins.reduce(0, +) }

    /// The sum, in the edges' unit.
    var sum: Double { Double(sumUnits) * unit }

    /// What was observed since `earlier` (a bin or sum that went down,
    /// which a reading taken out of order can show, counts as nothing).
    func since(_ earlier: HistogramReading) -> HistogramReading {
        var delta = self
        for index in bins.indices {
            let before = index < earlier.bins.count ? earlier.bins[index] : 0
            delta.bins[index] = bins[index] > before ? bins[index] - before : 0
        }
        delta.sumUnits = sumUnits > earlier.sumUnits ? sumUnits - earlier.sumUnits : 0
        return delta
    }

    /// Values that, recorded `count` times each, give a Prometheus histogram
    /// with these edges exactly these bucket counts and (to rounding) this
    /// sum: every bin's observations get one value inside the bin, chosen so
    /// the values add up to the sum (observations above the last edge take
    /// what the bins below cannot hold).
    var observations: [(value: Double, count: UInt64)] {
        let last = edges.count
        var high = 0.0, room = 0.0
        for index in 0..<last where bins[index] > 0 {
            let top = edges[index], bottom = index == 0 ? 0 : edges[index - 1]
            high += Double(bins[index]) * top
            room += Double(bins[index]) * (top - bottom)
        }
        let overflowFloor = (edges.last ?? 0).nextUp
        let overflow = Double(bins[last])
        var shrink = 0.0
        var overflowValue = overflowFloor
        let excess = sum - high - overflow * overflowFloor
        if excess >= 0 {
            if bins[last] > 0 { overflowValue = overflowFloor + excess / overflow }
        } else if room > 0 {
            // Lower every bin's value by the same share of its width (the
            // first bin's down to zero at most, the others to just above
            // their lower edge).
            shrink = min(-excess / room, 1)
        }
        var values: [(value: Double, count: UInt64)] = []
        for index in 0..<last where bins[index] > 0 {
            let top = edges[index], bottom = index == 0 ? 0 : edges[index - 1]
            let value = top - shrink * (top - bottom)
            values.append((index == 0 ? max(value, 0) : max(value, bottom.nextUp), bins[index]))
        }
        if bins[last] > 0 { values.append((overflowValue, bins[last])) }
        return values
    }
}

extension HistogramReading {
    /// Tick lateness as the rooms measured it (50 µs buckets), on `edges`.
    init(lateness: LatenessHistogram, edges: [Double]) {
        self.init(edges: edges, unit: 1e-9)
        var below: UInt64 = 0
        for (index, edge) in edges.enumerated() {
            let atMost = lateness.count(atMost: .nanoseconds(Int64((edge * 1e9).rounded())))
            bins[index] = atMost > below ? atMost - below : 0
            below = max(below, atMost)
        }
        bins[edges.count] = lateness.count > below ? lateness.count - below : 0
        sumUnits = lateness.totalNanoseconds
    }

    /// The recorder's commit durations (their own edges).
    init(commits: CommitDurations) {
        self.init(edges: CommitDurations.edges, unit: 1e-6)
        bins = commits.buckets.map { UInt64(max($0, 0)) }
        sumUnits = UInt64(max(commits.totalMicroseconds, 0))
    }
}
