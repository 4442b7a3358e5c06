public import NIOCore
public import SocketIOCore

/// The result an emit's acknowledgement callback receives: the server's
/// answer, or why there is none (timeout, disconnection, full buffer).
public typealias AckResult = Result<[JSONValue], SocketIOClientError>

/// An emit with flags, the JavaScript client's chainable modifiers:
/// `socket.timeout(ms)`, `socket.volatile`, `socket.compress(false)`.
///
/// ```swift
/// socket.volatile.emit("cursor", ["x": 10, "y": 20])       // dropped while disconnected
/// socket.compress(false).emit("blob", .binary(bytes))
/// let answer = try await socket.timeout(.seconds(1)).emitWithAck("question", "ping")
/// ```
public struct Emitter: Sendable {
    let socket: Socket
    var flags: EmitFlags

    /// Fail the ack with ``SocketIOClientError/Code/ackTimeout`` if the
    /// server does not answer within `timeout`.
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

    /// Sends the event.
    public func emit(_ event: String, _ arguments: JSONValue...) {
        emit(event, arguments: arguments, ack: nil)
    }

    /// Sends the event; `ack` (called on the manager's loop) receives the
    /// server's answer.
    public func emit(_ event: String, arguments: [JSONValue], ack: (@Sendable (AckResult) -> Void)? = nil) {
        let flags = self.flags
        socket.core.run { core in
            core.emit(event, arguments, flags: flags, ack: ack.map { handler in { handler($0) } })
        }
    }

    /// Sends the event and waits for the server's answer.
    public func emitWithAck(_ event: String, _ arguments: JSONValue...) async throws(SocketIOClientError) -> [JSONValue] {
        try await emitWithAck(event, arguments: arguments)
    }

    /// Sends the event and waits for the server's answer (or the timeout,
    /// or the disconnection).
    public func emitWithAck(_ event: String, arguments: [JSONValue]) async throws(SocketIOClientError) -> [JSONValue] {
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
}

extension Socket {
    /// An emit with an ack timeout (see ``Emitter``).
    public func timeout(_ timeout: TimeAmount) -> Emitter {
        Emitter(socket: self, flags: EmitFlags(timeout: timeout))
    }

    /// A volatile emit (see ``Emitter``).
    public var volatile: Emitter {
        Emitter(socket: self, flags: EmitFlags(volatile: true))
    }

    /// An emit with compression allowed or not (see ``Emitter``).
    public func compress(_ compress: Bool) -> Emitter {
        Emitter(socket: self, flags: EmitFlags(compress: compress))
    }

    /// Sends an event with JSON (and binary, at any depth) arguments.
    /// While disconnected it is buffered and sent on (re)connection.
    ///
    /// ```swift
    /// socket.emit("chat", "hello", ["room": "lobby"], .binary(ByteBuffer(bytes: [1, 2, 3])))
    /// ```
    public func emit(_ event: String, _ arguments: JSONValue...) {
        Emitter(socket: self, flags: EmitFlags()).emit(event, arguments: arguments, ack: nil)
    }

    /// Sends an event; `ack` receives the server's answer (or the failure:
    /// `ackTimeout` with ``SocketOptions/ackTimeout``, `disconnected`).
    public func emit(_ event: String, arguments: [JSONValue], ack: (@Sendable (AckResult) -> Void)? = nil) {
        Emitter(socket: self, flags: EmitFlags()).emit(event, arguments: arguments, ack: ack)
    }

    /// Sends an event and waits for the server's answer.
    public func emitWithAck(_ event: String, _ arguments: JSONValue...) async throws(SocketIOClientError) -> [JSONValue] {
        try await Emitter(socket: self, flags: EmitFlags()).emitWithAck(event, arguments: arguments)
    }

    /// Sends an event and waits for the server's answer.
    public func emitWithAck(_ event: String, arguments: [JSONValue]) async throws(SocketIOClientError) -> [JSONValue] {
        try await Emitter(socket: self, flags: EmitFlags()).emitWithAck(event, arguments: arguments)
    }

    /// `emit("message", ...)`, as JavaScript's `socket.send`.
    public func send(_ arguments: JSONValue...) {
        emit("message", arguments: arguments)
    }
}
