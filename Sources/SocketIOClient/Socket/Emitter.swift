public import NIOCore
public import SocketIOCore

/// The result an emit's acknowledgement callback receives: the server's
/// answer, or why there is none (timeout, disconnection, full buffer,
/// arguments that do not encode).
public typealias AckResult = Result<[JSONValue], SocketIOClientError>

/// An emit with flags, the JavaScript client's chainable modifiers:
/// `socket.timeout(...)`, `socket.volatile`, `socket.compress(false)`.
/// Every emit form of ``Socket`` exists here too, so flags combine with
/// JSON values, Swift values, callbacks and `async` acks alike.
///
/// ```swift
/// socket.volatile.emit("cursor", ["x": 10, "y": 20])       // dropped while disconnected
/// socket.compress(false).emit("blob", png)                  // png: Data
/// let answer = try await socket.timeout(.seconds(1)).emitWithAck("question", "ping")
/// let score = try await socket.timeout(.seconds(2)).volatile.emitWithAck("guess", guess, as: Score.self)
/// ```
public struct Emitter: Sendable {
    let socket: Socket
    var flags: EmitFlags

    /// Fail the ack with ``SocketIOClientError/Code/ackTimeout`` if the
    /// server does not answer within `timeout` (overrides the socket's
    /// ``SocketOptions/ackTimeout``).
    public func timeout(_ timeout: Duration) -> Emitter {
        self.timeout(TimeAmount(timeout))
    }

    /// `timeout(_:)` with NIO's `TimeAmount` instead of a `Duration`, for code that
    /// already works in NIO's units.
    public func timeout(_ timeout: TimeAmount) -> Emitter {
        var copy = self
        copy.flags.timeout = timeout
        return copy
    }

    /// Drop the event unless the socket is connected and the transport can
    /// send it right now (for data that is stale once late).
    public var volatile: Emitter {
        var copy = self
        copy.flags.volatile = true
        return copy
    }

    /// Allow (true, the default) or forbid permessage-deflate for this event.
    public func compress(_ compress: Bool) -> Emitter {
        var copy = self
        copy.flags.compress = compress
        return copy
    }

    // MARK: - JSON values

    /// Sends the event with JSON arguments (literals, or ``JSONValue``s
    /// such as `.data(bytes)` and `.binary(buffer)`).
    public func emit(_ event: String, _ arguments: JSONValue...) {
        emit(event, arguments: arguments, ack: nil)
    }

    /// Sends the event; `ack` (called on the manager's loop) receives the
    /// server's answer or the failure.
    public func emit(_ event: String, _ arguments: JSONValue..., ack: @escaping @Sendable (AckResult) -> Void) {
        emit(event, arguments: arguments, ack: ack)
    }

    /// Sends the event with an array of arguments; `ack` (called on the
    /// manager's loop) receives the server's answer or the failure.
    public func emit(_ event: String, arguments: [JSONValue], ack: (@Sendable (AckResult) -> Void)? = nil) {
        let flags = self.flags
        socket.core.run { core in
            core.emit(event, arguments, flags: flags, ack: ack.map { handler in { handler($0) } })
        }
    }

    /// Sends the event and waits for the server's answer.
    ///
    /// - Throws: ``SocketIOClientError``: `ackTimeout`, `disconnected`,
    ///   `bufferFull`, `reservedEventName`.
    public func emitWithAck(_ event: String, _ arguments: JSONValue...) async throws -> [JSONValue] {
        try await emitWithAck(event, arguments: arguments)
    }

    /// Sends the event and waits for the server's answer (or the timeout,
    /// or the disconnection).
    ///
    /// - Throws: ``SocketIOClientError``, as the variadic `emitWithAck`.
    public func emitWithAck(_ event: String, arguments: [JSONValue]) async throws -> [JSONValue] {
        try await awaitAck(event, arguments: arguments)
    }

    // MARK: - Internals

    /// The emit behind every `async` form.
    func awaitAck(_ event: String, arguments: [JSONValue]) async throws(SocketIOClientError) -> [JSONValue] {
        let promise = socket.core.eventLoop.makePromise(of: [JSONValue].self)
        emit(event, arguments: arguments) { result in promise.completeWith(result.mapError { $0 as any Error }) }
        do {
            return try await promise.futureResult.get()
        } catch let error as SocketIOClientError {
            throw error
        } catch {
            throw SocketIOClientError(code: .disconnected, message: "\(error)")
        }
    }

    /// Arguments that did not encode: nothing is sent; the failure is
    /// logged and, when there is one, given to the ack on the loop.
    func refuse(_ event: String, _ error: SocketIOClientError, ack: (@Sendable (AckResult) -> Void)?) {
        socket.manager.options.logger.error("emit refused: its arguments do not encode", metadata: ["event": "\(event)", "error": "\(error)"])
        guard let ack else { return }
        socket.core.run { _ in ack(.failure(error)) }
    }
}
