import NIOCore
import ZlibCompression

/// A decoded 8-bit RGBA or RGB PNG (what rsvg-convert writes), for checking
/// pixels at known points.
struct PNGImage {
    let width: Int
    let height: Int
    private let channels: Int
    private let pixels: [UInt8]

    enum Failure: Error { case notPNG, unsupported(String), truncated }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 8, bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) else { throw Failure.notPNG }
        var offset = 8
        var header: [UInt8] = []
        var data: [UInt8] = []
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while offset + 8 <= bytes.count {
            let length = be32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw Failure.truncated }
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            if type == "IHDR" { header = body }
            if type == "IDAT" { data += body }
            if type == "IEND" { break }
            offset += 12 + length
        }
        guard header.count == 13 else { throw Failure.truncated }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        guard header[8] == 8, header[12] == 0 else { throw Failure.unsupported("bit depth \(header[8]), interlace \(header[12])") }
        switch header[9] {
        case 6: channels = 4
        case 2: channels = 3
        default: throw Failure.unsupported("colour type \(header[9])")
        }
        let stride = width * channels
        let inflated = try HTTPBodyCompression.decompress(ByteBuffer(bytes: data), encoding: .deflate, maximumSize: height * (stride + 1))
        let raw = Array(inflated.readableBytesView)
        guard raw.count == height * (stride + 1) else { throw Failure.truncated }
        var out = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for column in 0..<stride {
                let x = Int(raw[row * (stride + 1) + 1 + column])
                let a = column >= channels ? Int(out[row * stride + column - channels]) : 0
                let b = row > 0 ? Int(out[(row - 1) * stride + column]) : 0
                let c = row > 0 && column >= channels ? Int(out[(row - 1) * stride + column - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure.unsupported("filter \(filter)")
                }
                out[row * stride + column] = UInt8((x + predicted) & 0xff)
            }
        }
        pixels = out
    }

    /// The colour at (`x`, `y`) as 24-bit RGB (alpha ignored).
    func rgb(_ x: Int, _ y: Int) -> UInt32 {
        let index = (y * width + x) * channels
        return UInt32(pixels[index]) << 16 | UInt32(pixels[index + 1]) << 8 | UInt32(pixels[index + 2])
    }
}
