/// Number-to-text conversion following ECMAScript's `Number::toString`
/// (which `JSON.stringify` uses for finite numbers).
///
/// The shortest round-trip digits come from the standard library's float
/// printing (shortest and closest, as ECMAScript requires); only the layout
/// differs, so the digits and the decimal exponent are extracted and
/// laid out again with JavaScript's rules:
///
/// | with `k` digits and point position `n` | output                  |
/// |----------------------------------------|-------------------------|
/// | `k <= n <= 21`                         | digits, `n - k` zeros   |
/// | `0 < n <= 21`                          | `ddd.ddd`               |
/// | `-6 < n <= 0`                          | `0.` `-n` zeros, digits |
/// | otherwise                              | `d.ddde+x` / `d.ddde-x` |
enum JSONNumberFormatter {
    /// 2^53: below it every integral double is an exact integer we can print
    /// with the integer routine (and JavaScript prints those the same way).
    private static let exactIntegerLimit: Double = 9_007_199_254_740_992

    static func writeInteger(_ value: Int64, to sink: inout JSONByteSink) {
        sink.withReservedSpace(20) { output in
            Self.formatInteger(value, into: output)
        }
    }

    /// Writes the decimal digits of `value` at `output`; returns the length (at most 20).
    @inline(__always)
    private static func formatInteger(_ value: Int64, into output: UnsafeMutableRawPointer) -> Int {
        var magnitude = value.magnitude
        var digitCount = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digitCount += 1
        }
        let length = digitCount + (value < 0 ? 1 : 0)
        if value < 0 { output.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self) }
        var position = length - 1
        repeat {
            output.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10), toByteOffset: position, as: UInt8.self)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        return length
    }

    static func writeDouble(_ value: Double, to sink: inout JSONByteSink) {
        guard value.isFinite else {
            sink.write("null")
            return
        }
        if value == 0 {
            sink.write(UInt8(ascii: "0"))  // also -0, like JavaScript
            return
        }
        let magnitude = value.magnitude
        if magnitude < Self.exactIntegerLimit, value.rounded(.towardZero) == value {
            Self.writeInteger(Int64(value), to: &sink)
            return
        }
        // Shortest round-trip digits from the standard library, received as
        // ASCII bytes (no String is created), then laid out the JavaScript way.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { scratch in
            let text = UnsafeMutableBufferPointer(rebasing: scratch[0..<32])
            let digits = UnsafeMutableBufferPointer(rebasing: scratch[32..<64])
            var collector = ASCIICollector(storage: text)
            magnitude.write(to: &collector)
            let (count, pointPosition) = Self.extractDigits(from: UnsafeRawBufferPointer(collector.written), into: digits)
            let significant = UnsafeBufferPointer(rebasing: digits[0..<count])
            Self.layOut(negative: value < 0, digits: significant, pointPosition: pointPosition, to: &sink)
        }
    }

    /// Reads a Swift float description (`1.5e-07`, `100.0`, `0.0001`) into its
    /// significant digits (no leading or trailing zeros) and `n`, the position
    /// of the decimal point relative to the first significant digit.
    private static func extractDigits(
        from text: UnsafeRawBufferPointer,
        into digits: UnsafeMutableBufferPointer<UInt8>
    ) -> (count: Int, pointPosition: Int) {
        var count = 0
        var pointPosition = 0
        var afterPoint = false
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                afterPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else if count == 0 && byte == UInt8(ascii: "0") {
                if afterPoint { pointPosition -= 1 }  // leading zero after the point
            } else if count < digits.count {
                digits[count] = byte
                count += 1
                if !afterPoint { pointPosition += 1 }
            }
            index += 1
        }
        if index < text.count {  // exponent part
            index += 1
            var negative = false
            if text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                negative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            while index < text.count {
                exponent = exponent * 10 + Int(text[index] &- UInt8(ascii: "0"))
                index += 1
            }
            pointPosition += negative ? -exponent : exponent
        }
        while count > 1 && digits[count - 1] == UInt8(ascii: "0") {
            count -= 1
        }
        return (count, pointPosition)
    }

    private static func layOut(
        negative: Bool,
        digits: UnsafeBufferPointer<UInt8>,
        pointPosition n: Int,
        to sink: inout JSONByteSink
    ) {
        let k = digits.count
        let raw = UnsafeRawBufferPointer(digits)
        if negative { sink.write(UInt8(ascii: "-")) }
        if k <= n && n <= 21 {
            sink.write(raw)
            for _ in 0..<(n - k) { sink.write(UInt8(ascii: "0")) }
        } else if 0 < n && n <= 21 {
            sink.write(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            sink.write(UInt8(ascii: "."))
            sink.write(UnsafeRawBufferPointer(rebasing: raw[n..<k]))
        } else if -6 < n && n <= 0 {
            sink.write(UInt8(ascii: "0"), UInt8(ascii: "."))
            for _ in 0..<(-n) { sink.write(UInt8(ascii: "0")) }
            sink.write(raw)
        } else {
            sink.write(digits[0])
            if k > 1 {
                sink.write(UInt8(ascii: "."))
                sink.write(UnsafeRawBufferPointer(rebasing: raw[1..<k]))
            }
            let exponent = n - 1
            sink.write(UInt8(ascii: "e"), exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            Self.writeInteger(Int64(exponent.magnitude), to: &sink)
        }
    }
}

/// Receives the standard library's float text without allocating a `String`.
///
/// `Double.write(to:)` formats into a stack buffer and hands it to the
/// stream's `_writeASCII` customization point (whose default would build a
/// `String`); `write(_:)` keeps the collector correct should that ever change.
private struct ASCIICollector: TextOutputStream {
    let storage: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    init(storage: UnsafeMutableBufferPointer<UInt8>) {
        self.storage = storage
    }

    var written: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self.storage[0..<self.count])
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer { self.append(byte) }
    }

    mutating func write(_ string: String) {
        for byte in string.utf8 { self.append(byte) }
    }

    private mutating func append(_ byte: UInt8) {
        guard self.count < self.storage.count else { return }  // float text is at most ~24 bytes
        self.storage[self.count] = byte
        self.count += 1
    }
}
