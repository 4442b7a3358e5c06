/// The format bytes of the MessagePack specification
/// (https://github.com/msgpack/msgpack/blob/master/spec.md), named once.
enum MessagePackFormat {
    static let positiveFixIntMax: UInt8 = 0x7F
    static let fixMap: UInt8 = 0x80
    static let fixArray: UInt8 = 0x90
    static let fixString: UInt8 = 0xA0
    static let `nil`: UInt8 = 0xC0
    /// Never used by the specification; a decoder must refuse it.
    static let neverUsed: UInt8 = 0xC1
    static let `false`: UInt8 = 0xC2
    static let `true`: UInt8 = 0xC3
    static let bin8: UInt8 = 0xC4
    static let bin16: UInt8 = 0xC5
    static let bin32: UInt8 = 0xC6
    static let ext8: UInt8 = 0xC7
    static let ext16: UInt8 = 0xC8
    static let ext32: UInt8 = 0xC9
    static let float32: UInt8 = 0xCA
    static let float64: UInt8 = 0xCB
    static let uint8: UInt8 = 0xCC
    static let uint16: UInt8 = 0xCD
    static let uint32: UInt8 = 0xCE
    static let uint64: UInt8 = 0xCF
    static let int8: UInt8 = 0xD0
    static let int16: UInt8 = 0xD1
    static let int32: UInt8 = 0xD2
    static let int64: UInt8 = 0xD3
    static let fixExt1: UInt8 = 0xD4
    static let fixExt2: UInt8 = 0xD5
    static let fixExt4: UInt8 = 0xD6
    static let fixExt8: UInt8 = 0xD7
    static let fixExt16: UInt8 = 0xD8
    static let str8: UInt8 = 0xD9
    static let str16: UInt8 = 0xDA
    static let str32: UInt8 = 0xDB
    static let array16: UInt8 = 0xDC
    static let array32: UInt8 = 0xDD
    static let map16: UInt8 = 0xDE
    static let map32: UInt8 = 0xDF
    static let negativeFixIntMin: UInt8 = 0xE0
}
