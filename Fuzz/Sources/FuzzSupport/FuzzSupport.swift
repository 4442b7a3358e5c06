/// What every target shares: a failed property stops the run with a
/// message (libFuzzer then saves the input as a crash to reproduce).
///
/// ```swift
/// require(decoded == again, "decode(encode(x)) != x")
/// ```
public func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition { fatalError("property failed: \(message())", file: file, line: line) }
}

/// libFuzzer's driver: runs `callback` on each input, with the command
/// line's options (`-max_total_time=N`, a corpus directory, ...).
@_silgen_name("LLVMFuzzerRunDriver")
public func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
