import ArenaRoom
import FuzzSupport
import RoomEngine
import WhiteboardRoom

/// What members send and what the CLI reads back from a store: room inputs,
/// operations, states and snapshots of both built-in kinds. The binary
/// form is canonical (one value, one encoding; trailing bytes refused), so
/// whatever decodes must re-encode to exactly the bytes it came from; bad
/// bytes are a `RoomError`, never a crash. The first byte picks the type.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    guard let selector = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    switch selector % 7 {
    case 0: check(WhiteboardInput.self, bytes)
    case 1: check(WhiteboardOperation.self, bytes)
    case 2: check(WhiteboardLogic.State.self, bytes)
    case 3: check(ArenaLogic.Input.self, bytes)
    case 4: check(ArenaLogic.State.self, bytes)
    case 5: check(ArenaLogic.Operation.self, bytes)
    default: check(RoomSnapshot.self, bytes)
    }
    return 0
}

private func check<Value: BinaryCodable>(_ type: Value.Type, _ bytes: [UInt8]) {
    guard let value = try? Value(decoding: bytes) else { return }
    require(value.encodedBytes() == bytes, "\(Value.self): encode(decode(b)) != b")
}
