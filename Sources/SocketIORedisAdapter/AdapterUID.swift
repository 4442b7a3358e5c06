/// Upstream's `uid2(6)`: six characters of the URL-safe alphabet, for a
/// server's uid per namespace and for request ids (spec section 1.2).
enum AdapterUID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// A fresh random id.
    static func make(length: Int = 6) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % 64)] })
    }
}
