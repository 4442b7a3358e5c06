import Testing
@testable import SocketIOAdminUI

@Suite struct BcryptTests {
    /// jBCrypt's and OpenBSD's published vectors (`$2a$`, cost 6), checked
    /// against Python's bcrypt too.
    static let published: [(String, String)] = [
        ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
        ("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"),
        ("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"),
        ("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"),
        ("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"),
    ]

    @Test func publishedVectorsVerify() {
        for (password, hash) in Self.published {
            #expect(Bcrypt.verify(password, against: hash), "\(password)")
            #expect(!Bcrypt.verify(password + "x", against: hash))
        }
    }

    @Test func theSameHashUnder2bAnd2yVerifies() {
        let (password, hash) = Self.published[2]
        for version in ["$2b$", "$2y$"] {
            let other = version + hash.dropFirst(4)
            #expect(Bcrypt.verify(password, against: other))
        }
        #expect(!Bcrypt.verify(password, against: "$2x$" + hash.dropFirst(4)))
    }

    @Test func pythonVectorsHashByteForByte() throws {
        for vector in BcryptVectors.python {
            #expect(try Bcrypt.hash(vector.password, cost: vector.cost, salt: vector.salt) == vector.hash, "\(vector.password)")
            #expect(Bcrypt.verify(vector.password, against: vector.hash))
        }
    }

    @Test func passwordsAreCutAt72Bytes() {
        let hash = BcryptVectors.python[6].hash   // 72 x
        #expect(Bcrypt.verify(String(repeating: "x", count: 72) + "more", against: hash))
        #expect(!Bcrypt.verify(String(repeating: "x", count: 71), against: hash))
    }

    @Test func malformedHashesNeverVerify() {
        for hash in ["", "secret", "$2b$04$short", "$2b$03$..CA.uOD/eaGAOmJB.yMBuq1wbVgYezarXi1FgOYk1qMNtxVndjJm",
                     "$2b$04$..CA.uOD/eaGAOmJB.yMBuq1wbVgYezarXi1FgOYk1qMNtxVndjJ!"] {
            #expect(!Bcrypt.verify("", against: hash))
            #expect(!Bcrypt.isHash(hash))
        }
    }

    @Test func randomSaltsRoundTrip() throws {
        let hash = try Bcrypt.hash("s3cret", cost: 4)
        #expect(hash.hasPrefix("$2b$04$") && hash.utf8.count == 60)
        #expect(Bcrypt.verify("s3cret", against: hash))
        #expect(!Bcrypt.verify("s3cre", against: hash))
        #expect(throws: Bcrypt.Failure.costOutOfRange(3)) { try Bcrypt.hash("x", cost: 3) }
    }

    @Test func constantTimeComparison() {
        #expect(Bcrypt.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Bcrypt.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Bcrypt.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test func tablesAreTheDigitsOfPi() {
        #expect(BlowfishTables.p.first == 0x243F_6A88 && BlowfishTables.p.last == 0x8979_FB1B)
        #expect(BlowfishTables.s0.first == 0xD131_0BA6 && BlowfishTables.s3.last == 0x3AC3_72E6)
        #expect([BlowfishTables.s0, BlowfishTables.s1, BlowfishTables.s2, BlowfishTables.s3].allSatisfy { $0.count == 256 })
    }
}
