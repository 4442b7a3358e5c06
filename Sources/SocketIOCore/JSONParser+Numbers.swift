// Number parsing for JSONParser.
//
// Integers (no fraction, no exponent) that fit in Int64 become `.int`; every
// other number becomes `.double`. `-0` is a double because an Int64 cannot
// carry its sign. Doubles whose digits and exponent are small take Clinger's
// exact fast path (one correctly rounded IEEE operation); the rest go through
// the standard library's correctly rounded, locale-independent conversion.

extension JSONParser {
    /// Exact powers of ten representable in a Double (10^0 ... 10^22).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses the number starting at `offset` (a `-` or a digit).
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = self.offset
        let count = self.bytes.count
        let negative = self.bytes[self.offset] == UInt8(ascii: "-")
        if negative { self.offset += 1 }

        var mantissa: UInt64 = 0
        var mantissaOverflowed = false
        var fractionDigits = 0

        // Integer part: "0" or a non-zero digit followed by digits.
        guard self.offset < count else { throw JSONParseError(.invalidNumber, at: start) }
        let first = self.bytes[self.offset]
        if first == UInt8(ascii: "0") {
            self.offset += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            _ = self.accumulateDigits(into: &mantissa, overflowed: &mantissaOverflowed)
        } else {
            throw JSONParseError(.invalidNumber, at: start)
        }

        var isInteger = true
        if self.offset < count, self.bytes[self.offset] == UInt8(ascii: ".") {
            isInteger = false
            self.offset += 1
            fractionDigits = self.accumulateDigits(into: &mantissa, overflowed: &mantissaOverflowed)
            guard fractionDigits > 0 else { throw JSONParseError(.invalidNumber, at: start) }
        }

        var exponent = 0
        if self.offset < count, self.bytes[self.offset] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            self.offset += 1
            var exponentNegative = false
            if self.offset < count, self.bytes[self.offset] == UInt8(ascii: "+") || self.bytes[self.offset] == UInt8(ascii: "-") {
                exponentNegative = self.bytes[self.offset] == UInt8(ascii: "-")
                self.offset += 1
            }
            let exponentStart = self.offset
            while self.offset < count, let digit = Self.digitValue(self.bytes[self.offset]) {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(digit) }  // saturate; result is 0 or inf anyway
                self.offset += 1
            }
            guard self.offset > exponentStart else { throw JSONParseError(.invalidNumber, at: start) }
            if exponentNegative { exponent = -exponent }
        }

        if isInteger && !mantissaOverflowed {
            if negative {
                if mantissa == 0 { return .double(-0.0) }
                if mantissa <= UInt64(Int64.max) + 1 { return .int(Int64(truncatingIfNeeded: 0 &- mantissa)) }
            } else if mantissa <= UInt64(Int64.max) {
                return .int(Int64(mantissa))
            }
        }

        if !mantissaOverflowed {
            if mantissa == 0 { return .double(negative ? -0.0 : 0.0) }
            let power = exponent - fractionDigits
            if mantissa <= (1 << 53), power >= -22, power <= 22 {
                let magnitude = Double(mantissa)
                let value = power >= 0
                    ? magnitude * Self.exactPowersOfTen[power]
                    : magnitude / Self.exactPowersOfTen[-power]
                return .double(negative ? -value : value)
            }
        }
        return .double(self.slowDouble(from: start))
    }

    @inline(__always)
    private static func digitValue(_ byte: UInt8) -> UInt8? {
        let digit = byte &- UInt8(ascii: "0")
        return digit < 10 ? digit : nil
    }

    /// Consumes a run of digits, folding them into `mantissa` until it would
    /// overflow (after which only `overflowed` matters). Returns how many
    /// digits were consumed.
    @inline(__always)
    private mutating func accumulateDigits(into mantissa: inout UInt64, overflowed: inout Bool) -> Int {
        let count = self.bytes.count
        let start = self.offset
        while self.offset < count, let digit = Self.digitValue(self.bytes[self.offset]) {
            if !overflowed {
                let (times10, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
                if o1 || o2 { overflowed = true } else { mantissa = sum }
            }
            self.offset += 1
        }
        return self.offset - start
    }

    /// Correctly rounded conversion of the already validated text `start..<offset`.
    private func slowDouble(from start: Int) -> Double {
        let text = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.offset])
            .withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
        // The grammar was checked above, so the standard library accepts it;
        // out-of-range magnitudes come back as ±infinity or ±0 like JSON.parse.
        return Double(text) ?? .nan
    }
}
