import CZlib
import NIOCore

/// Helpers shared by the tests. The zlib calls here are deliberately written
/// independently of the module under test, so that they act as a second
/// decoder rather than a mirror of the implementation.
enum TestSupport {
    /// Parses "f2 48 cd" into bytes.
    static func bytes(hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined(separator: " ")
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    static func array(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    /// Deterministic pseudo-random bytes (SplitMix64), incompressible.
    static func randomBytes(count: Int, seed: UInt64 = 0x5EED) -> [UInt8] {
        var state = seed
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { result.append(contentsOf: $0.prefix(count - result.count)) }
        }
        return result
    }

    /// About 4 KB of repetitive Socket.IO-like JSON.
    static let compressibleMessage: [UInt8] = {
        var text = "42[\"state\",{\"players\":["
        var index = 0
        while text.utf8.count < 4000 {
            text += "{\"id\":\(index),\"name\":\"player-\(index)\",\"x\":\(index * 7 % 100),\"y\":\(index * 13 % 100)},"
            index += 1
        }
        text += "{}]}]"
        return Array(text.utf8)
    }()

    /// Inflates with zlib directly: `windowBits` -15 for a permessage-deflate
    /// payload (the `00 00 ff ff` tail is appended here), 15 for zlib, 31 for
    /// gzip. Returns nil on any zlib error or, for wrapped formats, if the
    /// stream does not end.
    static func zlibInflate(_ input: [UInt8], windowBits: Int32) -> [UInt8]? {
        var data = input
        if windowBits < 0 { data += [0x00, 0x00, 0xFF, 0xFF] }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard inflateInit2_(stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var code = Z_OK
        data.withUnsafeMutableBufferPointer { input in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = uInt(input.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    code = inflate(stream, Z_NO_FLUSH)
                    output += out.prefix(out.count - Int(stream.pointee.avail_out))
                }
            } while code == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
        }
        if windowBits < 0 {
            return code == Z_OK || code == Z_BUF_ERROR ? output : nil
        }
        return code == Z_STREAM_END ? output : nil
    }
}
