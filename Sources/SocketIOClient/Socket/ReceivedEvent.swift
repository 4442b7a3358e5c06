import NIOCore
public import SocketIOCore
import Synchronization

/// An event the server sent to a socket.
///
/// ```swift
/// socket.on("question") { event in
///     let text = (try? event.argument(0, as: String.self)) ?? "?"
///     event.ack?("answer to \(text)")
/// }
/// ```
public struct ReceivedEvent: Sendable {
    /// The event name.
    public let name: String
    /// The arguments, binary ones as ``JSONValue/binary(_:)`` at any depth
    /// (without the recovery offset; see ``Socket/recovered``).
    public let arguments: [JSONValue]
    /// Present when the server asked for an acknowledgement: call it once
    /// with the answer.
    public let ack: Acknowledgement?

    /// Creates an event (for tests of code that consumes events).
    public init(name: String, arguments: [JSONValue], ack: Acknowledgement? = nil) {
        self.name = name
        self.arguments = arguments
        self.ack = ack
    }

    /// Decodes argument `index` (the first by default) as `T` with
    /// `JSONValueDecoder`: your Codable structs, `String`, numbers, `Data`
    /// for a binary argument (at any depth inside a struct too).
    ///
    /// ```swift
    /// let chat = try event.argument(0, as: Chat.self)
    /// let bytes: Data = try event.argument(1)
    /// ```
    ///
    /// - Throws: ``SocketIOClientError`` (`codingFailed`) when there is no
    ///   such argument or it does not decode.
    public func argument<T: Decodable>(_ index: Int = 0, as type: T.Type = T.self) throws -> T {
        try ArgumentEncoding.decode(T.self, at: index, of: arguments, name: name)
    }
}

/// An event the client sends, as ``Socket/onAnyOutgoing(_:)`` listeners see
/// it when it leaves.
public struct OutgoingEvent: Sendable, Hashable {
    /// The event name.
    public let name: String
    /// The arguments.
    public let arguments: [JSONValue]
}

/// The answer to an event that asked for one. The first call sends the ACK
/// packet; later calls do nothing, as in JavaScript. An answer made after
/// the socket disconnected is dropped (the server forgot the question).
///
/// Call it from any thread.
public struct Acknowledgement: Sendable {
    let socket: NIOLoopBound<SocketCore>
    let id: UInt64
    let generation: UInt64
    private let state = AckSentFlag()

    init(socket: NIOLoopBound<SocketCore>, id: UInt64, generation: UInt64) {
        self.socket = socket
        self.id = id
        self.generation = generation
    }

    /// Whether the answer was already given.
    public var isSent: Bool { state.isSet }

    /// Sends the answer (JSON values).
    public func callAsFunction(_ arguments: JSONValue...) {
        send(arguments)
    }

    /// Sends the answer: Swift values (anything `Encodable`, `Data` as
    /// binary). If one does not encode, nothing is sent and the failure is
    /// logged (the server's ack then times out); ``send(encoding:)``
    /// throws it instead.
    @_disfavoredOverload
    public func callAsFunction<each Argument: Encodable>(_ arguments: repeat each Argument) {
        do {
            send(try ArgumentEncoding.encode(repeat each arguments))
        } catch {
            let socket = self.socket
            socket.eventLoop.execute {
                socket.value.logger.error("ack not sent: its arguments do not encode", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sends the answer.
    public func send(_ arguments: [JSONValue]) {
        guard state.set() else { return }
        let socket = self.socket
        let id = self.id
        let generation = self.generation
        if socket.eventLoop.inEventLoop {
            socket.value.sendAck(id: id, arguments: arguments, generation: generation)
        } else {
            socket.eventLoop.execute {
                socket.value.sendAck(id: id, arguments: arguments, generation: generation)
            }
        }
    }

    /// Sends one `Encodable` value as the answer.
    ///
    /// - Throws: ``SocketIOClientError`` (`codingFailed`); nothing is sent then.
    public func send(encoding value: some Encodable) throws {
        send([try ArgumentEncoding.encode(value)])
    }
}

/// Set once, from any thread.
private final class AckSentFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    /// True for the first caller only.
    func set() -> Bool {
        flag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
