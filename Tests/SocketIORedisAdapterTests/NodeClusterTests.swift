import NIOCore
import SocketIO
import SocketIOAdapter
import SocketIOClient
import Testing

@testable import SocketIORedisAdapter

/// A Huddle server and an upstream Node.js server (socket.io 4.8 with
/// `@socket.io/redis-adapter` 8.x, classic format) on one Redis: the
/// operations that only a server can start, in both directions. Runs when
/// `HUDDLE_NODE_PEER` names the Node server's script (docs/cluster.md);
/// this machine's registries have no Node Socket.IO, so CI skips it.
@Suite("Redis adapter beside a Node.js server", .serialized, .enabled(if: NodePeerProcess.script != nil && RedisProcess.isAvailable))
struct NodeClusterTests {
    @Test func serverOperationsCrossBetweenHuddleAndNode() async throws {
        let redis = try await RedisProcess.start()
        let huddle = try await ClusterNode.start("H", redis: redis.configuration)
        let node = try await NodePeerProcess(script: try #require(NodePeerProcess.script), redisPort: redis.port)
        try await huddle.waitForServerCount(2)
        huddle.io.sockets.onServerSideEmit("ping") { _, ack in ack?("pong-huddle") }
        let onHuddle = try await ClusterClient(huddle.url, auth: ["room": "mixed"], answer: "ack-from-huddle-client")
        let onNode = try await ClusterClient(node.url, answer: "ack-from-node-client")
        #expect(try await onNode.next().name == "auth")  // the contract's greeting
        _ = try await onNode.socket.emitWithAck("join", "mixed")

        // Huddle -> Node: rooms, binary, except, fetchSockets, remote socket, server-side emit, acks.
        huddle.io.sockets.to("mixed").emit("from-huddle", 1.5, .binary(ByteBuffer(bytes: [1, 2, 3])), ["k": [true]])
        for client in [onHuddle, onNode] {
            let event = try await client.next()
            #expect(event.name == "from-huddle")
            #expect(event.arguments == [1.5, .binary(ByteBuffer(bytes: [1, 2, 3])), ["k": [true]]])
        }
        let everyone = try await huddle.io.sockets.fetchSockets()
        #expect(Set(everyone.map(\.id)) == [onHuddle.id, onNode.id])
        let remote = try #require(everyone.first { $0.id == onNode.id })
        #expect(Set(remote.rooms) == [onNode.id, "mixed"])
        remote.emit("direct-from-huddle")
        #expect(try await onNode.next().name == "direct-from-huddle")
        #expect(try await huddle.io.sockets.serverSideEmitWithAck("ping") == ["pong-node"])
        let answers = try await huddle.io.sockets.timeout(.seconds(30)).emitWithAck("question")
        #expect(Set(answers.compactMap { $0.first?.stringValue }) == ["ack-from-huddle-client", "ack-from-node-client"])
        for client in [onHuddle, onNode] { #expect(try await client.next().name == "question") }

        // Node -> Huddle: fetchSockets and serverSideEmit with an ack, started by the Node server.
        let ids = try await onNode.socket.emitWithAck("node-fetch")
        #expect(Set(ids.first?.arrayValue?.compactMap(\.stringValue) ?? []) == [onHuddle.id, onNode.id])
        let pongs = try await onNode.socket.emitWithAck("node-server-side-ping")
        #expect(pongs.first == ["pong-huddle"])
        // A client of the Node server sends to a room: Huddle's member gets it.
        onNode.socket.emit("to-room", "mixed", "from-node")
        for client in [onHuddle, onNode] {
            let event = try await client.next()
            #expect(event.name == "room-message" && event.arguments == ["from-node"])
        }

        // socketsJoin and disconnectSockets from Huddle act on the Node server's socket.
        huddle.io.sockets.socketsJoin("joined-by-huddle")
        huddle.io.sockets.to("joined-by-huddle").emit("after-join")
        #expect(try await onNode.next().name == "after-join")
        huddle.io.sockets.except(onHuddle.id).disconnectSockets()
        #expect(try await onNode.disconnected() == "io server disconnect")

        onHuddle.close()
        node.stop()
        await huddle.stop()
        redis.stop()
    }
}
