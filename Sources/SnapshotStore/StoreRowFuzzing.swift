public import RoomEngine

/// The store's row decoders as the fuzz target `fuzz-store-rows` sees them
/// (Fuzz/, through `@_spi(Fuzzing) import SnapshotStore`): the CLI
/// reads these bytes back from a file anyone may hand it (`huddle show
/// --db theirs.sqlite`).
///
/// ```swift
/// if case .mismatch(let why) = StoreRowFuzzing.check(bytes) { fatalError(why) }
/// ```
@_spi(Fuzzing)
public enum StoreRowFuzzing {
    /// What one input did.
    public enum Outcome: Sendable {
        /// Refused with a room error.
        case refused(RoomError)
        /// Decoded, and what it decoded to survives its encoding.
        case roundTripped
        /// A property failed: why.
        case mismatch(String)
    }

    /// The first byte picks the row field, the rest is its bytes:
    /// 0 a tick's input batch (members in slots 0...7), 1 a membership
    /// row's metadata, 2 a snapshot row's data (zlib; the next 3 bytes give
    /// the raw size the row claims) decoded as a snapshot.
    public static func check(_ input: [UInt8]) -> Outcome {
        guard let selector = input.first else { return .roundTripped }
        let bytes = Array(input.dropFirst())
        do throws(RoomError) {
            switch selector % 3 {
            case 0:
                let members = Dictionary(uniqueKeysWithValues: (0..<8).map { ($0, MemberID("m\($0)")) })
                let slots = Dictionary(uniqueKeysWithValues: members.map { ($0.value, $0.key) })
                let inputs = try StoreCodec.decodeInputs(bytes, members: members)
                let encoded = StoreCodec.encodeInputs(inputs, slot: { slots[$0] ?? 0 })
                guard try StoreCodec.decodeInputs(encoded, members: members) == inputs else {
                    return .mismatch("input batch: decode(encode(x)) != x")
                }
            case 1:
                let metadata = try StoreCodec.decodeMetadata(bytes)
                guard try StoreCodec.decodeMetadata(StoreCodec.encodeMetadata(metadata)) == metadata else {
                    return .mismatch("metadata: decode(encode(x)) != x")
                }
            default:
                guard bytes.count >= 3 else { return .roundTripped }
                let size = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
                let raw = try Zlib.decompress(Array(bytes.dropFirst(3)), expectedSize: size)
                guard raw.count == size else { return .mismatch("inflated \(raw.count) bytes, the row said \(size)") }
                let snapshot = try RoomSnapshot(decoding: raw)
                guard snapshot.encodedBytes() == raw else { return .mismatch("snapshot: encode(decode(b)) != b") }
                guard try Zlib.decompress(Zlib.compress(raw), expectedSize: size) == raw else {
                    return .mismatch("zlib: inflate(deflate(b)) != b")
                }
            }
            return .roundTripped
        } catch {
            return .refused(error)
        }
    }
}
