import FuzzSupport
import NIOCore
import SocketIOCore

/// The JSON parser: whatever parses serializes to text that parses to the
/// same value (``sameJSON``: numbers and strings included); nothing else may crash.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    guard let value = try? JSONValue(parsing: input) else { return 0 }
    let text = value.jsonString
    let again = try? JSONValue(parsing: text)
    require(again.map { sameJSON($0, value) } == true, "parse(serialize(v)) != v: \(text)")
    return 0
}
