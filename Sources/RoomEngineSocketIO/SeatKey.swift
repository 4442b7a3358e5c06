import Crypto
import RoomEngine

/// The secret a cluster room's seats are derived from, so that they stay
/// valid on whichever node owns the room. A member's seat secret is
/// HMAC-SHA256(key, member) spelled as a ``SeatToken`` secret: the owner
/// that admitted the member and a node that resumed the room after it died
/// (failover) compute the same one, without a table of seats shared between
/// them. The key is made with the room and kept in the cluster's directory
/// (``RoomPlacementResult/seatKey``, ``ClaimedRoom/seatKey``), never sent
/// to clients.
///
/// A member holds the same seat for every join of the same room; a seat of
/// a member that left names no one until it joins again (the room checks
/// its members, not the token alone).
///
/// ```swift
/// let key = SeatKey(hex: "00112233445566778899aabbccddeeff")!
/// key.secret(for: "alice")   // 22 characters, the same on every node
/// ```
struct SeatKey: Sendable {
    private let key: [UInt8]

    /// A key from its hex spelling (at least 16 bytes); nil when it is not one.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count >= 32, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.key = bytes
    }

    /// `member`'s seat secret in this room.
    func secret(for member: MemberID) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("huddle-seat:\(member.rawValue)".utf8), using: SymmetricKey(data: key))
        return SeatToken.secret(from: Array(code))
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
