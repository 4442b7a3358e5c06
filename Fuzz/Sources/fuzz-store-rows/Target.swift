import FuzzSupport
@_spi(Fuzzing) import SnapshotStore

/// The rows the CLI reads back from a store file (anyone may hand it one):
/// a tick's input batch, a membership row's metadata, a snapshot row's zlib
/// data and the raw size it claims. Whatever decodes must survive its
/// encoding; everything else is a `RoomError`, never a crash, and nothing
/// is allocated past the sizes the decoders bound (the snapshot's claimed
/// size is checked before its buffer is made).
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    if case .mismatch(let why) = StoreRowFuzzing.check(Array(input)) {
        require(false, why)
    }
    return 0
}
