extension HTTPBodyCompression {
    /// Picks the encoding for a response from the request's
    /// `Accept-Encoding` header values, or `nil` to send the body as is.
    ///
    /// Mirrors engine.io, which asks `accepts(req).encodings(["gzip",
    /// "deflate"])` (the `negotiator` package):
    /// - a coding's weight comes from its own entry if present, else from
    ///   `*`; an explicit entry wins over `*` even with a lower q, so
    ///   `gzip;q=0, *` refuses gzip but accepts deflate;
    /// - `q=0` (or an unparsable q) means refused;
    /// - the highest q wins; on a tie, an explicit entry beats `*`, then
    ///   the entry listed first in the header, then gzip before deflate;
    /// - no header, or an empty one, means no compression (as in
    ///   engine.io, although RFC 9110 would allow any coding).
    ///
    /// ```swift
    /// HTTPBodyCompression.preferredEncoding(acceptEncoding: ["gzip, deflate, br"])  // .gzip
    /// HTTPBodyCompression.preferredEncoding(acceptEncoding: ["gzip;q=0.5, deflate"])  // .deflate
    /// ```
    ///
    /// - Parameter headerValues: every value of the header (it may be
    ///   split across lines, which is the same as one comma-joined list).
    public static func preferredEncoding(acceptEncoding headerValues: [String]) -> Encoding? {
        let elements = headerValues.flatMap { $0.split(separator: ",", omittingEmptySubsequences: true) }
        let entries = elements.enumerated().compactMap { AcceptEncodingEntry($0.element, position: $0.offset) }
        var best: (encoding: Encoding, priority: AcceptEncodingEntry.Priority)?
        for (preference, encoding) in Encoding.allCases.enumerated() {
            guard let priority = AcceptEncodingEntry.priority(of: encoding.rawValue, in: entries, preference: preference),
                priority.quality > 0
            else { continue }
            if best == nil || priority.isPreferred(over: best!.priority) {
                best = (encoding, priority)
            }
        }
        return best?.encoding
    }

    /// Convenience for a single header value; `nil` means no header.
    public static func preferredEncoding(acceptEncoding headerValue: String?) -> Encoding? {
        preferredEncoding(acceptEncoding: headerValue.map { [$0] } ?? [])
    }
}

/// One `coding;q=...` element of an `Accept-Encoding` list.
struct AcceptEncodingEntry {
    var coding: String
    var quality: Double
    var position: Int

    init?(_ element: Substring, position: Int) {
        let parts = element.split(separator: ";", omittingEmptySubsequences: false)
        let coding = parts[0].trimmingSpaces.lowercased()
        guard !coding.isEmpty else { return nil }
        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair[0].trimmingSpaces.lowercased() == "q" else { continue }
            // An unparsable weight refuses the coding, like negotiator's NaN.
            quality = pair.count == 2 ? Double(pair[1].trimmingSpaces) ?? 0 : 0
            if !quality.isFinite { quality = 0 }
            break
        }
        self.coding = coding
        self.quality = quality
        self.position = position
    }

    /// How much a coding is wanted, compared as negotiator does.
    struct Priority {
        var quality: Double
        var isExplicit: Bool
        var position: Int
        var preference: Int

        func isPreferred(over other: Priority) -> Bool {
            if quality != other.quality { return quality > other.quality }
            if isExplicit != other.isExplicit { return isExplicit }
            if position != other.position { return position < other.position }
            return preference < other.preference
        }
    }

    /// The most specific matching entry (explicit over `*`), then the
    /// highest q, then the earliest; `nil` if nothing matches.
    static func priority(of coding: String, in entries: [AcceptEncodingEntry], preference: Int) -> Priority? {
        var best: Priority?
        for entry in entries where entry.coding == coding || entry.coding == "*" {
            let candidate = Priority(
                quality: entry.quality,
                isExplicit: entry.coding == coding,
                position: entry.position,
                preference: preference
            )
            guard let current = best else {
                best = candidate
                continue
            }
            if candidate.isExplicit != current.isExplicit {
                if candidate.isExplicit { best = candidate }
            } else if candidate.quality > current.quality {
                best = candidate
            }
        }
        return best
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
