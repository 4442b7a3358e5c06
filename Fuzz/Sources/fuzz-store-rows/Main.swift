import FuzzSupport

// The process's entry: SwiftPM names an executable's main `fuzz_store_rows_main`; it
// hands the command line to libFuzzer, which calls LLVMFuzzerTestOneInput.
@_cdecl("fuzz_store_rows_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, count in testOneInput(data, count) }
}

/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: count))
}
