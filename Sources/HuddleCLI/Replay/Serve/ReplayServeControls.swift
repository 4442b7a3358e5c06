import NIOCore
import SocketIO
import SocketIOCore

/// The `/replay` namespace's handlers: a connecting viewer gets
/// `replay-info` and the current frame; `replay-seek`, `replay-speed`,
/// `replay-pause` and `replay-resume` are parsed on the socket's loop,
/// applied on the replay's loop (a seek once the worker has re-simulated),
/// and answered with an ack (`{error}` for bad input, the replay
/// undisturbed).
enum ReplayServeControls {
    /// Registers the handlers of `namespace` for `driver`.
    static func install(on namespace: SocketIONamespace, driver: NIOLoopBound<ReplayServeDriver>) {
        let loop = driver.eventLoop
        namespace.onConnection { socket in
            let id = socket.id
            loop.execute {
                let replay = driver.value
                namespace.to(id).emit("replay-info", replay.info)
                namespace.to(id).emit("replay-frame", arguments: replay.frame)
                replay.viewerConnected()
            }
        }
        control(namespace, "replay-seek", driver) { arguments in
            guard let tick = number(in: arguments, key: "tick")?.int64Value, tick >= 0 else {
                return .failure("replay-seek needs {tick: a non-negative integer}")
            }
            return .success { driver, answer in driver.seek(to: UInt64(tick), answer: answer) }
        }
        control(namespace, "replay-speed", driver) { arguments in
            guard let speed = number(in: arguments, key: "speed")?.doubleValue else {
                return .failure("replay-speed needs {speed: a number}")
            }
            return .success { driver, answer in answer(driver.setSpeed(speed)) }
        }
        control(namespace, "replay-pause", driver) { _ in .success { driver, answer in answer(driver.pause()) } }
        control(namespace, "replay-resume", driver) { _ in .success { driver, answer in answer(driver.resume()) } }
    }

    /// What a request asks of the driver (which answers, now or once the
    /// worker is done), or why it cannot be done.
    private enum Request {
        case success(@Sendable (ReplayServeDriver, _ answer: @escaping (JSONValue) -> Void) -> Void)
        case failure(String)
    }

    /// `{key: N}` or a bare number as the first argument.
    private static func number(in arguments: [JSONValue], key: String) -> JSONValue? {
        guard let first = arguments.first else { return nil }
        if case .object = first { return first[key].flatMap { $0.doubleValue == nil ? nil : $0 } }
        return first.doubleValue == nil ? nil : first
    }

    private static func control(
        _ namespace: SocketIONamespace, _ event: String, _ driver: NIOLoopBound<ReplayServeDriver>,
        _ parse: @escaping @Sendable ([JSONValue]) -> Request
    ) {
        let loop = driver.eventLoop
        namespace.on(event) { socket, event in
            let socketLoop = socket.eventLoop
            let ack = event.ack.map { NIOLoopBound($0, eventLoop: socketLoop) }
            switch parse(event.arguments) {
            case .failure(let message):
                ack?.value.send([ReplayServeDriver.error(message)])
            case .success(let apply):
                loop.execute {
                    apply(driver.value) { answer in socketLoop.execute { ack?.value.send([answer]) } }
                }
            }
        }
    }
}
