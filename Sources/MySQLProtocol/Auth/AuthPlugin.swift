import Crypto
import Foundation
import _CryptoExtras

/// The client-side authentication plugins Sluice implements, and their password transforms.
enum AuthPlugin: String, Sendable, CaseIterable {
    case nativePassword = "mysql_native_password"
    case cachingSHA2Password = "caching_sha2_password"
    /// MariaDB's ed25519 plugin; the server names it `ed25519`, the client side `client_ed25519`.
    case ed25519 = "client_ed25519"
    case clearPassword = "mysql_clear_password"

    /// The response to the server's nonce that starts this plugin's exchange.
    func initialResponse(password: String, nonce: [UInt8]) -> [UInt8] {
        let password = Array(password.utf8)
        switch self {
        case .nativePassword:
            // SHA1(password) XOR SHA1(nonce ‖ SHA1(SHA1(password))); an empty password is sent as nothing.
            guard !password.isEmpty else { return [] }
            let stage1 = Array(Insecure.SHA1.hash(data: password))
            let stage2 = Array(Insecure.SHA1.hash(data: stage1))
            return Self.xor(stage1, Array(Insecure.SHA1.hash(data: nonce.prefix(20) + stage2)))
        case .cachingSHA2Password:
            // SHA256(password) XOR SHA256(SHA256(SHA256(password)) ‖ nonce).
            guard !password.isEmpty else { return [] }
            let stage1 = Array(SHA256.hash(data: password))
            let stage2 = Array(SHA256.hash(data: stage1))
            return Self.xor(stage1, Array(SHA256.hash(data: stage2 + nonce.prefix(20))))
        case .ed25519:
            return MariaDBEd25519.sign(message: nonce, password: password)
        case .clearPassword:
            return password + [0]
        }
    }

    /// caching_sha2_password's full authentication without TLS: the NUL-terminated password XOR
    /// the nonce (repeated), RSA-OAEP (SHA-1) encrypted with the server's public key.
    static func rsaEncryptedPassword(_ password: String, nonce: [UInt8], publicKeyPEM: String) throws -> [UInt8] {
        let plain = Array(password.utf8) + [0]
        let nonce = Array(nonce.prefix(20))
        guard !nonce.isEmpty else {
            throw MySQLError.protocolViolation(what: "the server sent an empty nonce", where: "caching_sha2_password full authentication")
        }
        let masked = plain.enumerated().map { $0.element ^ nonce[$0.offset % nonce.count] }
        let key = try _RSA.Encryption.PublicKey(pemRepresentation: publicKeyPEM)
        return Array(try key.encrypt(masked, padding: .PKCS1_OAEP))
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}
