import Crypto
import _CryptoExtras
import Foundation
@testable import HuddleCLI
import Testing

/// `huddle serve --auth-jwt-*`'s token check, without a server: tokens made
/// here with each algorithm, then expired, forged, misnamed.
@Suite("Serve: JWT member identity")
struct JWTVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let secret = Array("a secret of 32 bytes, for tests!".utf8)

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func token(alg: String, claims: [String: Any], sign: (Data) throws -> Data) rethrows -> String {
        let header = base64URL(try! JSONSerialization.data(withJSONObject: ["alg": alg, "typ": "JWT"]))
        let payload = base64URL(try! JSONSerialization.data(withJSONObject: claims))
        let signed = "\(header).\(payload)"
        return "\(signed).\(base64URL(try sign(Data(signed.utf8))))"
    }

    static func hs256(_ claims: [String: Any], secret: [UInt8] = secret) -> String {
        token(alg: "HS256", claims: claims) { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: secret))) }
    }

    static var valid: [String: Any] { ["sub": "alice", "exp": 1_800_000_600] }

    @Test("HS256: a good token gives its subject; expired, forged, other-secret, malformed ones are refused")
    func hmac() {
        let verifier = JWTVerifier(key: .hmacSHA256(secret: Self.secret))
        #expect(verifier.subject(of: Self.hs256(Self.valid), now: Self.now) == .success("alice"))
        #expect(verifier.subject(of: Self.hs256(["sub": "alice", "exp": 1_799_999_000]), now: Self.now)
            == .failure(.init("the token expired")))
        #expect(verifier.subject(of: Self.hs256(["sub": "alice", "exp": 1_799_999_990]), now: Self.now) == .success("alice"),
                "30 s of leeway")
        #expect(verifier.subject(of: Self.hs256(["sub": "alice"]), now: Self.now) == .failure(.init("the token has no exp")))
        #expect(verifier.subject(of: Self.hs256(["sub": "alice", "exp": 1_800_000_600, "nbf": 1_800_000_100]), now: Self.now)
            == .failure(.init("the token is not valid yet (nbf)")))
        #expect(verifier.subject(of: Self.hs256(["exp": 1_800_000_600]), now: Self.now)
            == .failure(.init("the token's sub must be a string of 1 to 128 bytes")))
        let otherSecret = Self.hs256(Self.valid, secret: Array("another secret of 32 bytes......".utf8))
        #expect(verifier.subject(of: otherSecret, now: Self.now) == .failure(.init("the token's signature is not valid")))
        // The claims changed after signing (a forged subject).
        let good = Self.hs256(Self.valid).split(separator: ".")
        let forgedClaims = Self.base64URL(try! JSONSerialization.data(withJSONObject: ["sub": "admin", "exp": 1_800_000_600]))
        let forged = "\(good[0]).\(forgedClaims).\(good[2])"
        #expect(verifier.subject(of: forged, now: Self.now) == .failure(.init("the token's signature is not valid")))
        for malformed in ["", "abc", "a.b", "a.b.c.d", "!!.??.**", "e30.e30."] {
            #expect((try? verifier.subject(of: malformed, now: Self.now).get()) == nil, "\(malformed)")
        }
    }

    @Test("alg must be the key's own: none, or HS256 against a public key, is refused")
    func algorithmConfusion() throws {
        let verifier = JWTVerifier(key: .hmacSHA256(secret: Self.secret))
        let unsigned = Self.token(alg: "none", claims: Self.valid) { _ in Data() }
        #expect(verifier.subject(of: unsigned, now: Self.now)
            == .failure(.init("the token is signed with none; this server accepts HS256")))
        let ecKey = P256.Signing.PrivateKey()
        let publicVerifier = JWTVerifier(key: try .init(publicKeyPEM: ecKey.publicKey.pemRepresentation))
        // An HMAC keyed with the public key's PEM: the classic confusion.
        let confused = Self.hs256(Self.valid, secret: Array(ecKey.publicKey.pemRepresentation.utf8))
        #expect(publicVerifier.subject(of: confused, now: Self.now)
            == .failure(.init("the token is signed with HS256; this server accepts ES256")))
    }

    @Test("ES256 and RS256 with PEM public keys")
    func publicKeys() throws {
        let ecKey = P256.Signing.PrivateKey()
        let es = JWTVerifier(key: try .init(publicKeyPEM: ecKey.publicKey.pemRepresentation))
        let esToken = try Self.token(alg: "ES256", claims: Self.valid) { try ecKey.signature(for: $0).rawRepresentation }
        #expect(es.subject(of: esToken, now: Self.now) == .success("alice"))
        let otherEC = try Self.token(alg: "ES256", claims: Self.valid) { try P256.Signing.PrivateKey().signature(for: $0).rawRepresentation }
        #expect(es.subject(of: otherEC, now: Self.now) == .failure(.init("the token's signature is not valid")))

        let rsaKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let rs = JWTVerifier(key: try .init(publicKeyPEM: rsaKey.publicKey.pemRepresentation))
        let rsToken = try Self.token(alg: "RS256", claims: Self.valid) {
            try rsaKey.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        #expect(rs.subject(of: rsToken, now: Self.now) == .success("alice"))
        #expect(throws: JWTVerifier.JWTRefusal.self) { try JWTVerifier.Key(publicKeyPEM: "not a key") }
    }
}
