import NIOCore
import RedisClient

extension RedisConnection {
    /// Why a command got no answer in time.
    struct NoAnswer: Error, CustomStringConvertible {
        let timeout: TimeAmount
        var description: String { "no answer within \(timeout)" }
    }

    /// Sends `command` and waits at most `timeout` for its answer: a
    /// command sent while Redis is down waits in the connection's queue
    /// until it reconnects, and the cluster's requests must not wait that
    /// long (the command itself still runs if Redis comes back).
    func send(_ command: String, _ arguments: [RedisArgument], timeout: TimeAmount) async throws -> RedisValue {
        let answer = eventLoop.makePromise(of: RedisValue.self)
        let timer = eventLoop.scheduleTask(in: timeout) { answer.fail(NoAnswer(timeout: timeout)) }
        send(command, arguments).whenComplete { result in
            timer.cancel()
            answer.completeWith(result)
        }
        return try await answer.futureResult.get()
    }
}
