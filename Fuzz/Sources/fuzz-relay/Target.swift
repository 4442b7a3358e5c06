import FuzzSupport
@_spi(Fuzzing) import RoomEngineSocketIO

/// Relay messages between the nodes of a room cluster (bytes anyone with
/// access to the cluster's Redis can publish): whatever decodes must
/// survive its own encoding (decode(encode(m)) == m); everything else is a
/// `RoomError`, never a crash, and no length is allocated before it is
/// checked against the bytes left.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    if case .mismatch(let why) = RelayMessageFuzzing.check(Array(input)) {
        require(false, why)
    }
    return 0
}
