import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import MySQLProtocol

@Suite struct AuthPluginTests {
    static let nonce = [UInt8](1...20)

    @Test func nativePasswordScramble() {
        // SHA1("secret") XOR SHA1(nonce ‖ SHA1(SHA1("secret"))), computed independently with hashlib.
        let response = AuthPlugin.nativePassword.initialResponse(password: "secret", nonce: Self.nonce)
        #expect(response.hex == "b32bb3a583e1340c0a1108d58b1be49781ad8c2f")
        #expect(AuthPlugin.nativePassword.initialResponse(password: "", nonce: Self.nonce).isEmpty)
    }

    @Test func cachingSHA2Scramble() {
        // SHA256("secret") XOR SHA256(SHA256(SHA256("secret")) ‖ nonce), computed with hashlib.
        let response = AuthPlugin.cachingSHA2Password.initialResponse(password: "secret", nonce: Self.nonce)
        #expect(response.hex == "746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9")
        #expect(AuthPlugin.cachingSHA2Password.initialResponse(password: "", nonce: Self.nonce).isEmpty)
    }

    @Test func clearPasswordIsNulTerminated() {
        #expect(AuthPlugin.clearPassword.initialResponse(password: "pw", nonce: Self.nonce) == [0x70, 0x77, 0])
    }

    @Test func ed25519MatchesRFC8032ForA32BytePassword() {
        // RFC 8032 section 7.1, test 1: with a 32-byte secret, MariaDB's scheme is plain Ed25519.
        let seed = [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        #expect(MariaDBEd25519.publicKey(password: seed).hex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(MariaDBEd25519.sign(message: [], password: seed).hex == """
            e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b
            """)
    }

    @Test func ed25519PublicKeysMatchMariaDB() {
        // What MariaDB stores for these passwords (ed25519_password() / mysql.global_priv), base64 without padding.
        #expect(Data(MariaDBEd25519.publicKey(password: [])).base64EncodedString() == "4LH+dBF+G5W2CKTyId8xR3SyDqZoQjUNUVNxx8aWbG4=")
        let password = Array("a longer ed25519 password!".utf8)
        #expect(Data(MariaDBEd25519.publicKey(password: password)).base64EncodedString() == "jvlQdsYFB/Glb5O3ignJ7uKRocsATCo+RW66GXOGqiM=")
    }

    @Test func ed25519SignaturesVerifyForAnyPasswordLength() throws {
        let nonce = [UInt8](repeating: 0x5A, count: 32)
        for password in ["", "pw", "a longer ed25519 password!", String(repeating: "x", count: 200)] {
            let bytes = Array(password.utf8)
            let signature = AuthPlugin.ed25519.initialResponse(password: password, nonce: nonce)
            #expect(signature.count == 64)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: MariaDBEd25519.publicKey(password: bytes))
            #expect(key.isValidSignature(signature, for: nonce), "password length \(bytes.count)")
            #expect(!key.isValidSignature(signature, for: [UInt8](repeating: 0, count: 32)))
        }
    }

    /// The server's nonce is random on every login: a signature must verify for any of them, not
    /// just the few above (a login that fails once in a while is a broken login). 2,000 nonces were
    /// checked once (7 minutes in a debug build); 16 stay in the suite.
    @Test func ed25519SignaturesVerifyForManyNonces() throws {
        let password = "sluice"
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: MariaDBEd25519.publicKey(password: Array(password.utf8)))
        var failed: [String] = []
        for index in 0..<16 {
            let nonce = Array(SHA256.hash(data: Array("nonce \(index)".utf8)))
            if !key.isValidSignature(AuthPlugin.ed25519.initialResponse(password: password, nonce: nonce), for: nonce) {
                failed.append(nonce.hex)
            }
        }
        #expect(failed.isEmpty, "\(failed.count) of 16 signatures do not verify, e.g. for nonce \(failed.first ?? "")")
    }

    @Test func rsaEncryptedPasswordDecryptsToPasswordXorNonce() throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        let encrypted = try AuthPlugin.rsaEncryptedPassword(
            "secret", nonce: Self.nonce, publicKeyPEM: privateKey.publicKey.pemRepresentation
        )
        #expect(encrypted.count == 256)
        let decrypted = Array(try privateKey.decrypt(encrypted, padding: .PKCS1_OAEP))
        let expected = Array("secret\0".utf8).enumerated().map { $0.element ^ Self.nonce[$0.offset % 20] }
        #expect(decrypted == expected)
    }
}
