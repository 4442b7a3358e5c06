/// Why the Admin UI could not be installed. Every error of the
/// instrumentation is one of these; a refused login is not an error here
/// (the dashboard gets CONNECT_ERROR `{"message":"invalid credentials"}`).
///
/// ```swift
/// do { try AdminUI.instrument(io, options) } catch let error as AdminUIError { print(error) }
/// ```
public enum AdminUIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The password of `.basic` is not a bcrypt hash (upstream accepts a
    /// plaintext one at startup and then refuses every login; this refuses it at once).
    case invalidPasswordHash
    /// The server is instrumented already (one instrumentation per server).
    case alreadyInstrumented
    /// The namespace name is empty or does not start with `/`.
    case invalidNamespaceName(String)

    public var description: String {
        switch self {
        case .invalidPasswordHash: "the `password` field must be a valid bcrypt hash"
        case .alreadyInstrumented: "this server is already instrumented for the Admin UI"
        case .invalidNamespaceName(let name): "invalid admin namespace name \(name)"
        }
    }
}
