import FuzzSupport
import NIOCore
import ZlibCompression

/// permessage-deflate both ways: any bytes inflate to at most the bound or
/// fail with an error; what the compressor makes of them inflates back to
/// exactly them (with and without a shared window).
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let bytes = ByteBuffer(bytes: input)
    let limit = 1 << 16
    let inflater = PerMessageDeflateDecompressor(windowBits: 15, noContextTakeover: true)
    if let inflated = try? inflater.decompress(bytes, maximumSize: limit) {
        require(inflated.readableBytes <= limit, "inflated past the bound")
    }
    for takeover in [true, false] {
        let compressor = PerMessageDeflateCompressor(configuration: .init(windowBits: 15, noContextTakeover: !takeover))
        let decompressor = PerMessageDeflateDecompressor(windowBits: 15, noContextTakeover: !takeover)
        // Twice: the second message may refer to the first's window.
        for _ in 0..<2 {
            guard let deflated = try? compressor.compress(bytes) else {
                require(false, "the compressor failed")
                return 0
            }
            let back = try? decompressor.decompress(deflated, maximumSize: max(bytes.readableBytes, 1))
            require(back == bytes, "inflate(deflate(x)) != x (context takeover \(takeover))")
        }
    }
    return 0
}
