import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 in front of a server, that can cut every
/// connection through it at once — both sides see the connection close, as
/// when a network path dies — and refuse new ones until resumed. The room
/// client's reconnection tests put it between a client and `huddle serve`;
/// the cluster's tests between one node and Redis.
package final class DroppingProxy: Sendable {
    package let port: Int
    private let listener: any Channel
    private let state: ProxyState

    package var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, listener: any Channel, state: ProxyState) {
        self.port = port
        self.listener = listener
        self.state = state
    }

    /// Listens on a free port and relays each connection to `target`.
    package static func start(forwardingTo target: Int) async throws -> DroppingProxy {
        let state = ProxyState()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                guard state.admit(inbound) else { return inbound.close() }
                return ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: "127.0.0.1", port: target)
                    .flatMapThrowing { outbound in
                        state.track(outbound)
                        try inbound.pipeline.syncOperations.addHandler(Relay(peer: outbound))
                        try outbound.pipeline.syncOperations.addHandler(Relay(peer: inbound))
                        try inbound.syncOptions?.setOption(.autoRead, value: true)
                    }
                    .flatMapErrorThrowing { error in
                        inbound.close(promise: nil)
                        throw error
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return DroppingProxy(port: listener.localAddress?.port ?? 0, listener: listener, state: state)
    }

    /// Closes every relayed connection (both sides); with `refusingNew`,
    /// new connections are closed on arrival until ``resume()``.
    package func dropAll(refusingNew: Bool = false) {
        for channel in state.drop(refusingNew: refusingNew) { channel.close(promise: nil) }
    }

    /// Relays new connections again.
    package func resume() {
        state.resume()
    }

    /// Stops listening and closes every connection.
    package func close() {
        dropAll(refusingNew: true)
        listener.close(promise: nil)
    }
}

/// The proxy's connections and whether it accepts new ones.
private final class ProxyState: Sendable {
    private struct Value {
        var channels: [any Channel] = []
        var refusing = false
    }

    private let value = Mutex(Value())

    /// Tracks an inbound connection, unless new ones are refused.
    func admit(_ channel: any Channel) -> Bool {
        value.withLock { value in
            guard !value.refusing else { return false }
            value.channels.append(channel)
            return true
        }
    }

    func track(_ channel: any Channel) {
        value.withLock { $0.channels.append(channel) }
    }

    func drop(refusingNew: Bool) -> [any Channel] {
        value.withLock { value in
            value.refusing = value.refusing || refusingNew
            defer { value.channels = [] }
            return value.channels
        }
    }

    func resume() {
        value.withLock { $0.refusing = false }
    }
}

/// Writes what one side reads to the other; closes the other when one closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let peer: any Channel

    init(peer: any Channel) {
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
