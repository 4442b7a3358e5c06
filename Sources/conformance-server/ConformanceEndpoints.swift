import EngineIO
import Logging
import NIOCore

/// The endpoints of the conformance app.
struct ConformanceEndpoints {
    let all: [EngineIOServer]

    init(options: ConformanceServer, logger: Logger, group: any EventLoopGroup) {
        let echo = EngineIOServer(
            configuration: options.engineConfiguration(path: "/engine.io/"),
            group: group,
            logger: logger
        ) { socket in
            // Every message goes straight back, unchanged, with its type.
            socket.onMessage = { [unowned socket] message in
                switch message {
                case .text(let text):
                    socket.send(packet: .init(type: .message, data: text))
                case .binary(let bytes):
                    socket.send(binary: bytes)
                }
            }
        }
        all = [echo]
    }
}
