import SocketIOCore

extension SocketIOSocket {
    /// A packet for this socket's namespace.
    func receive(_ packet: SocketIOPacket) {
        switch packet.type {
        case .event, .binaryEvent:
            receivedEvent(packet)
        case .ack, .binaryAck:
            receivedAck(packet)
        case .disconnect:
            closed(.clientNamespaceDisconnect)
        case .connect, .connectError:
            break
        }
    }

    private func receivedEvent(_ packet: SocketIOPacket) {
        guard let name = packet.eventName else { return }
        let ack = packet.ackID.map { SocketIOAck(socket: self, id: $0) }
        let event = SocketIOEvent(name: name, arguments: Array(packet.arguments), ack: ack)
        runMiddlewares(event, from: 0)
    }

    private func runMiddlewares(_ event: SocketIOEvent, from index: Int) {
        guard let middlewares = listenerStore?.middlewares, index < middlewares.count else {
            dispatch(event)
            return
        }
        var called = false
        middlewares[index](event) { [weak self] error in
            guard let self, !called, isConnected else { return }
            called = true
            if let error {
                reportError(error)
            } else {
                runMiddlewares(event, from: index + 1)
            }
        }
    }

    private func dispatch(_ event: SocketIOEvent) {
        if let observer { observer.eventReceived(self, event: event) }
        for listener in listenerStore?.any ?? [] {
            guard isConnected else { return }
            listener.handler(event)
        }
        if let parent = namespace.parent {
            for handler in Self.handlers(for: event.name, in: parent.events, seen: &parentEvents) {
                guard isConnected else { return }
                handler(self, event)
            }
        }
        for handler in Self.handlers(for: event.name, in: namespace.events, seen: &namespaceEvents) {
            guard isConnected else { return }
            handler(self, event)
        }
        guard let store = listenerStore, let entries = store.events[event.name] else { return }
        if entries.contains(where: \.once) {
            store.events[event.name] = entries.filter { !$0.once }
        }
        for listener in entries {
            guard isConnected else { return }
            listener.handler(event)
        }
    }

    /// The handlers `table` holds for `name`, refreshing `seen` (this
    /// socket's copy) when the table changed since.
    private static func handlers(
        for name: String,
        in table: NamespaceEventTable,
        seen: inout (version: Int, handlers: [String: [SocketIONamespaceEventHandler]])
    ) -> [SocketIONamespaceEventHandler] {
        if seen.version != table.version { seen = table.snapshot() }
        guard !seen.handlers.isEmpty else { return [] }
        return seen.handlers[name] ?? []
    }
}
