import Testing

@testable import ZlibCompression

@Suite("Accept-Encoding")
struct AcceptEncodingTests {
    static let table: [(header: String?, expected: HTTPBodyCompression.Encoding?)] = [
        (nil, nil),
        ("", nil),
        ("gzip, deflate, br, zstd", .gzip),  // browsers
        ("gzip, deflate", .gzip),
        ("deflate", .deflate),
        ("gzip", .gzip),
        ("br", nil),
        ("identity", nil),
        ("gzip;q=0", nil),
        ("gzip;q=0, deflate", .deflate),
        ("gzip;q=0.5, deflate", .deflate),
        ("gzip;q=0.5, deflate;q=0.8", .deflate),
        ("gzip;q=0.8, deflate;q=0.5", .gzip),
        ("*", .gzip),
        ("*;q=0", nil),
        ("gzip;q=0, *", .deflate),
        ("*;q=0.5, gzip;q=0.2", .deflate),  // explicit gzip 0.2 beats *; deflate gets 0.5 from *
        ("deflate, *;q=0.1", .deflate),
        ("deflate, gzip", .deflate),  // equal q: header order, as engine.io's negotiator
        ("GZIP", .gzip),
        (" gzip ; q=1.0 ,\tdeflate ", .gzip),
        ("gzip;q=abc, deflate", .deflate),
        ("gzip;level=1;q=0, deflate;q=0.001", .deflate),
        (",, ,gzip", .gzip),
    ]

    @Test("table", arguments: 0..<24)
    func row(index: Int) {
        let (header, expected) = Self.table[index]
        #expect(HTTPBodyCompression.preferredEncoding(acceptEncoding: header) == expected, "\(header ?? "nil")")
    }

    @Test("several header lines form one list")
    func severalLines() {
        #expect(HTTPBodyCompression.preferredEncoding(acceptEncoding: ["br", "deflate"]) == .deflate)
        #expect(HTTPBodyCompression.preferredEncoding(acceptEncoding: ["gzip;q=0", "*"]) == .deflate)
        #expect(HTTPBodyCompression.preferredEncoding(acceptEncoding: [String]()) == nil)
    }
}
