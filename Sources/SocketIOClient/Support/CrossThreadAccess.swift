import NIOCore
import Synchronization

/// A `Sendable` way to reach an object that lives on one event loop: calls
/// from the loop run at once, calls from elsewhere hop with `execute`, in
/// the order they were made.
///
/// The object may be installed after the handle exists (the handle is made
/// synchronously by the caller, the object on the loop), which is why the
/// box starts empty: every call is queued behind the installation.
struct LoopConfined<Value: AnyObject>: Sendable {
    let eventLoop: any EventLoop
    private let box: NIOLoopBoundBox<Value?>

    /// An empty handle; install the value with ``install(_:)`` (on the loop).
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.box = NIOLoopBoundBox.makeEmptyBox(valueType: Value.self, eventLoop: eventLoop)
    }

    /// Sets the object. Must run on the loop, before any ``run(_:)`` body.
    func install(_ value: Value) {
        box.value = value
    }

    /// The object; only on the loop, after installation.
    var value: Value {
        guard let value = box.value else {
            preconditionFailure("loop-confined value used before it was installed")
        }
        return value
    }

    /// Runs `body` with the object on its loop: now when already there (and
    /// installed), otherwise as the next task of the loop.
    func run(_ body: @escaping @Sendable (Value) -> Void) {
        if eventLoop.inEventLoop, let value = box.value {
            body(value)
        } else {
            let box = self.box
            eventLoop.execute {
                guard let value = box.value else { preconditionFailure("loop-confined value used before it was installed") }
                body(value)
            }
        }
    }
}

/// A small value that a loop-confined core writes when its state changes and
/// that any thread may read synchronously (`socket.id`, `manager.isOpen`).
///
/// Writes happen only on state changes (connect, disconnect, upgrade), never
/// per message, so the lock is uncontended in practice.
final class StatusBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    var value: Value {
        storage.withLock { $0 }
    }

    func update(_ body: (inout Value) -> Void) {
        storage.withLock { body(&$0) }
    }
}
