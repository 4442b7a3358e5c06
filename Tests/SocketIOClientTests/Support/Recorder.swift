import Synchronization

/// Collects values from callbacks (any thread) and lets a test wait for the
/// next one matching a condition, in order: each wait starts after the last
/// value a previous wait consumed.
///
/// Waiting is event-driven; the `limit` is only a safety net that turns a
/// hang into a failure with a readable message, never a way to wait for time.
final class Recorder<Element: Sendable>: Sendable {
    struct Timeout: Error, CustomStringConvertible {
        let what: String
        let seen: String
        var description: String { "gave up waiting for \(what); seen: \(seen)" }
    }

    private struct Waiter {
        let predicate: @Sendable (Element) -> Bool
        let continuation: CheckedContinuation<Element, any Error>
    }

    private struct State {
        var items: [Element] = []
        var cursor = 0
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Every value so far.
    var all: [Element] { state.withLock { $0.items } }

    func append(_ element: Element) {
        let resumed: [(CheckedContinuation<Element, any Error>, Element)] = state.withLock { state in
            state.items.append(element)
            var out: [(CheckedContinuation<Element, any Error>, Element)] = []
            for (id, waiter) in state.waiters.sorted(by: { $0.key < $1.key }) where waiter.predicate(element) {
                state.waiters[id] = nil
                state.cursor = state.items.count
                out.append((waiter.continuation, element))
                break
            }
            return out
        }
        for (continuation, element) in resumed { continuation.resume(returning: element) }
    }

    /// The next value (after those already consumed) for which `predicate`
    /// holds; values skipped on the way are consumed too.
    @discardableResult
    func next(
        _ what: String,
        limit: Duration = .seconds(30),
        where predicate: @escaping @Sendable (Element) -> Bool
    ) async throws -> Element {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withThrowingTaskGroup(of: Element?.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let found: Element? = self.state.withLock { state in
                        for index in state.cursor..<state.items.count where predicate(state.items[index]) {
                            state.cursor = index + 1
                            return state.items[index]
                        }
                        state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                        return nil
                    }
                    if let found { continuation.resume(returning: found) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                self.expire(id, what: what)
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw Timeout(what: what, seen: "")
        }
    }

    private func expire(_ id: UInt64, what: String) {
        let waiter: Waiter? = state.withLock { $0.waiters.removeValue(forKey: id) }
        guard let waiter else { return }
        let seen = all.map { "\($0)" }.suffix(12).joined(separator: " | ")
        waiter.continuation.resume(throwing: Timeout(what: what, seen: seen))
    }
}
