import CZlib
package import RoomEngine

/// The byte layouts of the store's blobs.
///
/// ```text
/// tick.inputs       varint count, count × (varint memberSlot, varint sequence, varint length, bytes)
/// membership.metadata  varint count, count × (string key, string value), sorted by key
/// snapshot.data     zlib (RFC 1950) of RoomSnapshot's canonical bytes
/// ```
///
/// Member slots index the session's `member` table, so a 20-character
/// Socket.IO id costs one byte per input instead of 21. Every backend
/// (SQLite, PostgreSQL) stores these same bytes.
package enum StoreCodec {
    /// Encodes a tick's batch, naming members by slot.
    package static func encodeInputs(_ inputs: [RecordedInput], slot: (MemberID) -> Int) -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: 8 + inputs.count * 12)
        writer.writeVarint(UInt64(inputs.count))
        for input in inputs {
            writer.writeVarint(UInt64(slot(input.member)))
            writer.writeVarint(input.sequence)
            writer.writeLengthPrefixed(input.bytes)
        }
        return writer.bytes
    }

    /// Decodes what ``encodeInputs(_:slot:)`` wrote, with the session's members.
    package static func decodeInputs(_ bytes: [UInt8], members: [Int: MemberID]) throws(RoomError) -> [RecordedInput] {
        var reader = BinaryReader(bytes)
        let count = try reader.readCount(atMost: 1 << 20, "input count")
        var inputs: [RecordedInput] = []
        inputs.reserveCapacity(count)
        for _ in 0..<count {
            let slot = Int(try reader.readVarint(atMost: UInt64(Int32.max), "member slot"))
            guard let member = members[slot] else { throw .malformed("unknown member slot \(slot)") }
            let sequence = try reader.readVarint()
            let payload = try reader.readLengthPrefixed()
            inputs.append(RecordedInput(member: member, sequence: sequence, bytes: payload))
        }
        try reader.expectEnd()
        return inputs
    }

    /// Encodes join metadata, sorted by key so equal maps give equal bytes.
    package static func encodeMetadata(_ metadata: [String: String]) -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeVarint(UInt64(metadata.count))
        for key in metadata.keys.sorted() {
            writer.writeString(key)
            writer.writeString(metadata[key] ?? "")
        }
        return writer.bytes
    }

    /// Decodes what ``encodeMetadata(_:)`` wrote.
    package static func decodeMetadata(_ bytes: [UInt8]) throws(RoomError) -> [String: String] {
        var reader = BinaryReader(bytes)
        let count = try reader.readCount(atMost: 4096, "metadata count")
        var metadata: [String: String] = [:]
        for _ in 0..<count {
            let key = try reader.readString()
            metadata[key] = try reader.readString()
        }
        try reader.expectEnd()
        return metadata
    }
}

/// zlib (RFC 1950) through the system library, for snapshots.
package enum Zlib {
    /// Compresses `bytes` at `level` (1 fastest … 9 smallest).
    package static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var bound = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(bound))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                compress2(out.baseAddress, &bound, input.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "compress2 failed with \(status) although the buffer has compressBound bytes")
        output.removeSubrange(Int(bound)...)
        return output
    }

    /// Inflates `bytes`, which must expand to exactly `expectedSize` bytes.
    package static func decompress(_ bytes: [UInt8], expectedSize: Int) throws(RoomError) -> [UInt8] {
        guard expectedSize >= 0, expectedSize <= 1 << 30 else { throw .malformed("snapshot size \(expectedSize)") }
        var output = [UInt8](repeating: 0, count: max(expectedSize, 1))
        var length = uLong(expectedSize)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(length) == expectedSize else {
            throw .malformed("zlib data does not inflate (status \(status))")
        }
        output.removeSubrange(expectedSize...)
        return output
    }
}
