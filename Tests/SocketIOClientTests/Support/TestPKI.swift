import Crypto
import Foundation
import X509

/// A certificate authority made in the test process (P-256 keys, valid
/// from an hour ago for a day), and the certificates it issues: real X.509,
/// verified by BoringSSL like any other, with nothing written to disk and
/// no tool needed.
struct TestPKI {
    /// A certificate and its private key, in PEM.
    struct Issued: Sendable {
        let certificatePEM: String
        let privateKeyPEM: String
    }

    let caName: DistinguishedName
    let caKey: P256.Signing.PrivateKey
    /// The CA's certificate, to trust.
    let caPEM: String

    init(name: String = "Huddle Test CA") throws {
        caName = try DistinguishedName { CommonName(name) }
        caKey = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(caKey.publicKey),
            notValidBefore: Date() - 3600,
            notValidAfter: Date() + 86_400,
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey)
        )
        caPEM = try certificate.serializeAsPEM().pemString
    }

    /// A server certificate for `dnsNames` (and no IP address).
    func server(dnsNames: [String] = ["localhost"]) throws -> Issued {
        try issue(commonName: dnsNames.first ?? "server", dnsNames: dnsNames, usage: .serverAuth)
    }

    /// A client certificate (mutual TLS).
    func client(name: String = "huddle-test-client") throws -> Issued {
        try issue(commonName: name, dnsNames: [], usage: .clientAuth)
    }

    private func issue(commonName: String, dnsNames: [String], usage: ExtendedKeyUsage.Usage) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: Date() - 3600,
            notValidAfter: Date() + 86_400,
            issuer: caName,
            subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                if !dnsNames.isEmpty {
                    SubjectAlternativeNames(dnsNames.map { GeneralName.dnsName($0) })
                }
            },
            issuerPrivateKey: .init(caKey)
        )
        return Issued(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }
}
