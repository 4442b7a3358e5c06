import ArgumentParser
import Foundation
import RoomEngine
import RoomEngineSocketIO

/// `--auth-jwt-secret S` or `--auth-jwt-key FILE`: members of `huddle serve`
/// prove who they are with a JSON Web Token in the handshake's `auth`
/// (`{token}`), signed with that secret (HS256) or with the private half of
/// that PEM public key (RS256 or ES256). The token's `sub` is the member's
/// identity: its id in rooms, snapshots and recordings, the same after a
/// reconnection. A missing, expired or forged token is refused with
/// `connect_error` naming the reason. Without either flag anyone connects
/// and a member is its socket id.
///
/// ```text
/// huddle serve --auth-jwt-secret "$HUDDLE_JWT_SECRET"
/// // browser: io("https://rooms.example.com/rooms", { auth: { token } })
/// ```
struct AuthOptions: ParsableArguments {
    @Option(help: "Secret that members' JWTs are signed with (HS256); the token's sub is the member's identity.")
    var authJwtSecret: String?

    @Option(help: "PEM public key (RSA: RS256; P-256: ES256) that members' JWTs are signed for.")
    var authJwtKey: String?

    func validate() throws {
        if authJwtSecret != nil && authJwtKey != nil {
            throw ValidationError("--auth-jwt-secret and --auth-jwt-key: one or the other")
        }
        if let authJwtSecret, authJwtSecret.utf8.count < 16 {
            throw ValidationError("--auth-jwt-secret must be at least 16 bytes")
        }
    }

    /// The identity check these flags describe (nil: none). Throws when
    /// the key file does not load.
    func identifier() throws -> MemberIdentifier? {
        let key: JWTVerifier.Key
        if let authJwtSecret {
            key = .hmacSHA256(secret: Array(authJwtSecret.utf8))
        } else if let authJwtKey {
            let pem: String
            do {
                pem = try String(contentsOfFile: authJwtKey, encoding: .utf8)
            } catch {
                throw ValidationError("--auth-jwt-key \(authJwtKey): cannot read it (\(error.localizedDescription))")
            }
            do {
                key = try JWTVerifier.Key(publicKeyPEM: pem)
            } catch {
                throw ValidationError("--auth-jwt-key \(authJwtKey): \(error)")
            }
        } else {
            return nil
        }
        let verifier = JWTVerifier(key: key)
        return { handshake in
            guard let token = handshake.auth["token"]?.stringValue else {
                return .refused("authentication required: auth {token: a JWT}")
            }
            switch verifier.subject(of: token, now: Date()) {
            case .success(let subject): return .member(MemberID(subject))
            case .failure(let refusal): return .refused("invalid token: \(refusal)")
            }
        }
    }
}
