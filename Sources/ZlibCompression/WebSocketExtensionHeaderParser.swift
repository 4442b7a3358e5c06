/// One element of a `Sec-WebSocket-Extensions` list: an extension name and
/// its parameters, in order. Names are lowercased (matching is
/// case-insensitive); values are unquoted.
struct WebSocketExtensionElement: Hashable, Sendable {
    struct Parameter: Hashable, Sendable {
        var name: String
        var value: String?
    }

    var name: String
    var parameters: [Parameter]
}

/// A parser for the `Sec-WebSocket-Extensions` grammar of RFC 6455
/// section 9.1:
///
///     extension-list  = 1#extension
///     extension       = extension-token *( ";" extension-param )
///     extension-param = token [ "=" (token | quoted-string) ]
///         ; a quoted value, once unescaped, must itself be a token
///
/// with optional whitespace around every separator and empty list elements
/// ignored, as for any HTTP list. A syntax error spoils only the element it
/// is in: the parser resynchronises at the next top-level comma, so one
/// broken offer does not hide the next one.
enum WebSocketExtensionHeaderParser {
    /// Parses every header value (repeated header lines form one list).
    ///
    /// - Returns: one entry per non-empty element: the element, or `nil`
    ///   paired with its name when the name was readable but the rest was
    ///   not (`name` is `nil` when even the name was unreadable).
    static func parse(_ headerValues: some Sequence<String>) -> [ParsedElement] {
        var result: [ParsedElement] = []
        for value in headerValues {
            var scanner = Scanner(bytes: Array(value.utf8))
            while let element = scanner.nextElement() {
                result.append(element)
            }
        }
        return result
    }

    /// One list element, or what is known about a malformed one.
    enum ParsedElement: Hashable, Sendable {
        case element(WebSocketExtensionElement)
        case malformed(name: String?)
    }

    /// `tchar` of RFC 9110 section 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy(isTokenByte)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func skipWhitespace() {
            while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                index += 1
            }
        }

        private mutating func token() -> String? {
            let start = index
            while let byte = current, WebSocketExtensionHeaderParser.isTokenByte(byte) {
                index += 1
            }
            guard index > start else { return nil }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted-string, unescaped; `nil` if malformed.
        private mutating func quotedString() -> String? {
            guard current == UInt8(ascii: "\"") else { return nil }
            index += 1
            var value: [UInt8] = []
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = current, escaped != 0x7F, escaped >= 0x20 || escaped == 0x09 else {
                        return nil
                    }
                    value.append(escaped)
                    index += 1
                case 0x09, 0x20...0x7E, 0x80...0xFF:
                    value.append(byte)
                default:
                    return nil
                }
            }
            return nil  // unterminated
        }

        /// Skips to just after the next comma outside a quoted string.
        private mutating func resynchronise() {
            var quoted = false
            while let byte = current {
                index += 1
                if quoted {
                    if byte == UInt8(ascii: "\\") {
                        index += 1
                    } else if byte == UInt8(ascii: "\"") {
                        quoted = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    quoted = true
                } else if byte == UInt8(ascii: ",") {
                    return
                }
            }
        }

        /// The next non-empty element, or `nil` at the end of the input.
        mutating func nextElement() -> ParsedElement? {
            while true {
                skipWhitespace()
                guard let byte = current else { return nil }
                if byte == UInt8(ascii: ",") {
                    index += 1  // empty list element
                    continue
                }
                break
            }
            guard let name = token() else {
                resynchronise()
                return .malformed(name: nil)
            }
            let lowercasedName = name.lowercased()
            var parameters: [WebSocketExtensionElement.Parameter] = []
            while true {
                skipWhitespace()
                guard let byte = current else {
                    return .element(WebSocketExtensionElement(name: lowercasedName, parameters: parameters))
                }
                if byte == UInt8(ascii: ",") {
                    index += 1
                    return .element(WebSocketExtensionElement(name: lowercasedName, parameters: parameters))
                }
                guard byte == UInt8(ascii: ";") else { break }
                index += 1
                skipWhitespace()
                guard let parameterName = token() else { break }
                skipWhitespace()
                var value: String?
                if current == UInt8(ascii: "=") {
                    index += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "\"") {
                        guard let unquoted = quotedString(), WebSocketExtensionHeaderParser.isToken(unquoted) else {
                            break
                        }
                        value = unquoted
                    } else {
                        guard let plain = token() else { break }
                        value = plain
                    }
                }
                parameters.append(.init(name: parameterName.lowercased(), value: value))
            }
            resynchronise()
            return .malformed(name: lowercasedName)
        }
    }
}
