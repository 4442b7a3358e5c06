import Synchronization

/// Connects to a namespace of a server, sharing connections as the
/// JavaScript `io()` does: sockets of different namespaces on the same
/// server share one ``Manager`` (multiplexing) unless `forceNew` is set,
/// `multiplex` is off, or the namespace already has a socket on the shared
/// manager (a second `io("http://host/chat")` gets its own connection).
///
/// - Throws: ``SocketIOClientError``: `invalidURL`, or `tlsFailed` when a
///   certificate or key of ``ClientOptions/tls`` does not load.
///
/// ```swift
/// let main = try io("http://127.0.0.1:3000")          // namespace "/"
/// let chat = try io("http://127.0.0.1:3000/chat")     // same connection
/// let other = try io("http://127.0.0.1:3000/chat")    // a new connection
/// ```
///
/// The cache holds managers weakly: once nothing references a manager, the
/// next call makes a new one.
public func io(_ url: String, options: ClientOptions = ClientOptions()) throws -> Socket {
    let parsed = try ServerURL(parsing: url)
    let key = parsed.serverID + "|" + options.path
    let manager = try ConnectionCache.shared.manager(for: key, namespace: parsed.namespace, options: options) { () throws(SocketIOClientError) in
        let tls = try ClientTLS.make(for: parsed, options: options.tls)
        return Manager(serverURL: parsed, options: options, tls: tls) { configuration, loop in
            EngineSession(configuration: configuration, loop: loop)
        }
    }
    return manager.socket(parsed.namespace)
}

/// The managers `io()` shares, by server.
final class ConnectionCache: Sendable {
    static let shared = ConnectionCache()

    private struct WeakManager: Sendable {
        weak var manager: Manager?
    }

    private let managers = Mutex<[String: WeakManager]>([:])

    func manager(
        for key: String,
        namespace: String,
        options: ClientOptions,
        make: () throws(SocketIOClientError) -> Manager
    ) throws(SocketIOClientError) -> Manager {
        try managers.withLock { managers throws(SocketIOClientError) in
            let cached = managers[key]?.manager
            let sameNamespace = cached?.hasSocket(namespace) ?? false
            if options.forceNew || !options.multiplex || sameNamespace {
                return try make()
            }
            if let cached { return cached }
            let made = try make()
            managers[key] = WeakManager(manager: made)
            return made
        }
    }
}
