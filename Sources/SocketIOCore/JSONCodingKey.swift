/// A coding key for arbitrary object keys and array positions, used in coding
/// paths and to walk objects whose keys are only known at run time.
struct JSONCodingKey: CodingKey, Sendable {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    init(_ string: String) {
        self.init(stringValue: string)
    }

    init(index: Int) {
        self.init(intValue: index)
    }

    /// The key `superEncoder()` / `superDecoder()` use, as in Foundation.
    static let `super` = JSONCodingKey(stringValue: "super")
}
