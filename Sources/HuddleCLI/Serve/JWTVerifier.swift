import Crypto
import _CryptoExtras
import Foundation

/// Checks a JSON Web Token (RFC 7519, compact form) against one key and
/// gives its subject: the identity `huddle serve --auth-jwt-*` gives a
/// member. A pure value: the clock is a parameter.
///
/// Accepted: the key's own algorithm only (HS256 for a secret, RS256 for an
/// RSA public key, ES256 for a P-256 public key; the header's `alg` must
/// name it, so a token cannot pick a weaker check), a valid signature, a
/// `sub` of 1 to 128 bytes, `exp` in the future (required), `nbf` (if any)
/// in the past, with 30 s of leeway for clocks that differ.
///
/// ```swift
/// let verifier = JWTVerifier(key: .hmacSHA256(secret: Array("s3cret".utf8)))
/// switch verifier.subject(of: token, now: Date()) { case .success(let who): ...; case .failure(let why): ... }
/// ```
struct JWTVerifier: Sendable {
    /// The key tokens are signed with, and so the one algorithm accepted.
    enum Key: Sendable {
        /// HS256 with a shared secret.
        case hmacSHA256(secret: [UInt8])
        /// RS256: RSASSA-PKCS1-v1_5 with SHA-256 (the key's DER form: the
        /// key types are not `Sendable`, their bytes are).
        case rsaSHA256(publicKeyDER: Data)
        /// ES256: ECDSA on P-256 with SHA-256 (the key's DER form).
        case ecdsaP256(publicKeyDER: Data)

        var algorithm: String {
            switch self {
            case .hmacSHA256: "HS256"
            case .rsaSHA256: "RS256"
            case .ecdsaP256: "ES256"
            }
        }

        /// A PEM public key: RSA (RS256) or P-256 (ES256).
        init(publicKeyPEM pem: String) throws(JWTRefusal) {
            if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
                self = .ecdsaP256(publicKeyDER: key.derRepresentation)
            } else if let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) {
                self = .rsaSHA256(publicKeyDER: key.derRepresentation)
            } else {
                throw JWTRefusal("not an RSA or P-256 public key in PEM")
            }
        }
    }

    /// Why a token is refused (the text goes to the client's `connect_error`).
    struct JWTRefusal: Error, Sendable, Equatable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    let key: Key
    /// Seconds of clock difference tolerated on `exp` and `nbf`.
    var leeway: TimeInterval = 30

    /// The token's subject, or why it is refused.
    func subject(of token: String, now: Date) -> Result<String, JWTRefusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 8192, parts.count == 3,
              let headerBytes = Self.base64URL(parts[0]), let payloadBytes = Self.base64URL(parts[1]),
              let signature = Self.base64URL(parts[2])
        else { return .failure(JWTRefusal("not a JWT (three base64url parts)")) }
        guard let header = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any],
              let algorithm = header["alg"] as? String
        else { return .failure(JWTRefusal("the token's header is not JSON with an alg")) }
        guard algorithm == key.algorithm else {
            return .failure(JWTRefusal("the token is signed with \(algorithm); this server accepts \(key.algorithm)"))
        }
        let signed = Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard verify(signature, of: signed) else { return .failure(JWTRefusal("the token's signature is not valid")) }
        guard let claims = try? JSONSerialization.jsonObject(with: payloadBytes) as? [String: Any] else {
            return .failure(JWTRefusal("the token's claims are not a JSON object"))
        }
        guard let expiry = (claims["exp"] as? NSNumber)?.doubleValue else {
            return .failure(JWTRefusal("the token has no exp"))
        }
        let seconds = now.timeIntervalSince1970
        guard seconds < expiry + leeway else { return .failure(JWTRefusal("the token expired")) }
        if let notBefore = (claims["nbf"] as? NSNumber)?.doubleValue, seconds + leeway < notBefore {
            return .failure(JWTRefusal("the token is not valid yet (nbf)"))
        }
        guard let subject = claims["sub"] as? String, !subject.isEmpty, subject.utf8.count <= 128 else {
            return .failure(JWTRefusal("the token's sub must be a string of 1 to 128 bytes"))
        }
        return .success(subject)
    }

    private func verify(_ signature: Data, of signed: Data) -> Bool {
        switch key {
        case .hmacSHA256(let secret):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: SymmetricKey(data: secret))
        case .rsaSHA256(let der):
            guard let publicKey = try? _RSA.Signing.PublicKey(derRepresentation: der) else { return false }
            let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return publicKey.isValidSignature(rsa, for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5)
        case .ecdsaP256(let der):
            guard let publicKey = try? P256.Signing.PublicKey(derRepresentation: der),
                  let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: signed))
        }
    }

    /// Base64url without padding (RFC 7515 §2), or nil.
    static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
