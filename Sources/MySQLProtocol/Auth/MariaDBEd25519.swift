import Crypto

/// MariaDB's `client_ed25519` signature. It is Ed25519 (RFC 8032) except that the secret is the
/// password itself, of any length, where RFC 8032 takes a 32-byte seed: the expanded key is
/// SHA-512(password). `Curve25519.Signing.PrivateKey` accepts only 32-byte seeds and offers no way
/// to sign with an expanded key, so the curve arithmetic is done here. It follows TweetNaCl
/// (public domain): 16 limbs of 16 bits, constant-time ladder. Speed is irrelevant (one signature
/// per login).
enum MariaDBEd25519 {
    /// The 32-byte public key the server stores for `password` (MariaDB's `ed25519_password()`,
    /// base64-encoded without padding).
    static func publicKey(password: [UInt8]) -> [UInt8] {
        let expanded = Self.expand(password)
        return Point.base.multiplied(by: Array(expanded[0..<32])).encoded()
    }

    /// The 64-byte signature R ‖ S of `message` (the server's 32-byte nonce).
    static func sign(message: [UInt8], password: [UInt8]) -> [UInt8] {
        let expanded = Self.expand(password)
        let secretScalar = Array(expanded[0..<32])
        let publicKey = Point.base.multiplied(by: secretScalar).encoded()

        let nonce = Self.reduce(Array(SHA512.hash(data: expanded[32..<64] + message)))
        let commitment = Point.base.multiplied(by: nonce).encoded()
        let challenge = Self.reduce(Array(SHA512.hash(data: commitment + publicKey + message)))

        var wide = [Int64](repeating: 0, count: 64)
        for i in 0..<32 { wide[i] = Int64(nonce[i]) }
        for i in 0..<32 {
            for j in 0..<32 { wide[i + j] += Int64(challenge[i]) * Int64(secretScalar[j]) }
        }
        return commitment + Self.reduceModL(&wide)
    }

    private static func expand(_ password: [UInt8]) -> [UInt8] {
        var expanded = Array(SHA512.hash(data: password))
        expanded[0] &= 248
        expanded[31] &= 127
        expanded[31] |= 64
        return expanded
    }

    /// The group order L, little-endian bytes.
    private static let order: [Int64] = [
        0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]

    private static func reduce(_ bytes: [UInt8]) -> [UInt8] {
        var wide = bytes.map { Int64($0) }
        return Self.reduceModL(&wide)
    }

    /// A 64-limb little-endian number of byte-sized (possibly signed, unnormalised) limbs, mod L.
    private static func reduceModL(_ x: inout [Int64]) -> [UInt8] {
        let l = Self.order
        for i in stride(from: 63, through: 32, by: -1) {
            var carry: Int64 = 0
            var j = i - 32
            while j < i - 12 {
                x[j] = x[j] &+ carry &- 16 &* x[i] &* l[j - (i - 32)]
                carry = (x[j] + 128) >> 8
                x[j] -= carry << 8
                j += 1
            }
            x[j] += carry
            x[i] = 0
        }
        var carry: Int64 = 0
        for j in 0..<32 {
            x[j] = x[j] &+ carry &- (x[31] >> 4) &* l[j]
            carry = x[j] >> 8
            x[j] &= 255
        }
        for j in 0..<32 { x[j] = x[j] &- carry &* l[j] }
        var result = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            x[i + 1] += x[i] >> 8
            result[i] = UInt8(truncatingIfNeeded: x[i] & 255)
        }
        return result
    }
}

/// An element of GF(2^255 - 19) as 16 signed limbs of 16 bits, carried lazily.
private struct FieldElement {
    var limbs: [Int64]

    init(_ limbs: [Int64]) { self.limbs = limbs }

    static let zero = FieldElement([Int64](repeating: 0, count: 16))
    static let one = FieldElement([1] + [Int64](repeating: 0, count: 15))

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement((0..<16).map { a.limbs[$0] + b.limbs[$0] })
    }

    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement((0..<16).map { a.limbs[$0] - b.limbs[$0] })
    }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        var t = [Int64](repeating: 0, count: 31)
        for i in 0..<16 {
            for j in 0..<16 { t[i + j] += a.limbs[i] * b.limbs[j] }
        }
        // 2^256 ≡ 38 (mod p): fold the high half back.
        for i in 0..<15 { t[i] += 38 * t[i + 16] }
        var result = FieldElement(Array(t[0..<16]))
        result.carry()
        result.carry()
        return result
    }

    mutating func carry() {
        for i in 0..<16 {
            self.limbs[i] += 1 << 16
            let c = self.limbs[i] >> 16
            if i < 15 {
                self.limbs[i + 1] += c - 1
            } else {
                self.limbs[0] += 38 * (c - 1)
            }
            self.limbs[i] -= c << 16
        }
    }

    /// Swaps `a` and `b` when `bit` is 1, without branching on it.
    static func conditionalSwap(_ a: inout FieldElement, _ b: inout FieldElement, bit: Int64) {
        let mask = ~(bit - 1)
        for i in 0..<16 {
            let t = mask & (a.limbs[i] ^ b.limbs[i])
            a.limbs[i] ^= t
            b.limbs[i] ^= t
        }
    }

    func inverted() -> FieldElement {
        // a^(p-2) by square-and-multiply over the bits of p - 2.
        var c = self
        for bit in stride(from: 253, through: 0, by: -1) {
            c = c * c
            if bit != 2 && bit != 4 { c = c * self }
        }
        return c
    }

    /// The canonical 32-byte little-endian encoding.
    func encoded() -> [UInt8] {
        var t = self
        t.carry()
        t.carry()
        t.carry()
        for _ in 0..<2 {
            var m = FieldElement.zero
            m.limbs[0] = t.limbs[0] - 0xFFED
            for i in 1..<15 {
                m.limbs[i] = t.limbs[i] - 0xFFFF - ((m.limbs[i - 1] >> 16) & 1)
                m.limbs[i - 1] &= 0xFFFF
            }
            m.limbs[15] = t.limbs[15] - 0x7FFF - ((m.limbs[14] >> 16) & 1)
            let borrow = (m.limbs[15] >> 16) & 1
            m.limbs[14] &= 0xFFFF
            FieldElement.conditionalSwap(&t, &m, bit: 1 - borrow)
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<16 {
            bytes[2 * i] = UInt8(truncatingIfNeeded: t.limbs[i])
            bytes[2 * i + 1] = UInt8(truncatingIfNeeded: t.limbs[i] >> 8)
        }
        return bytes
    }
}

/// A point on edwards25519 in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z.
private struct Point {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement
    var t: FieldElement

    static let identity = Point(x: .zero, y: .one, z: .one, t: .zero)

    static let base: Point = {
        let x = FieldElement([
            0xD51A, 0x8F25, 0x2D60, 0xC956, 0xA7B2, 0x9525, 0xC760, 0x692C,
            0xDC5C, 0xFDD6, 0xE231, 0xC0A4, 0x53FE, 0xCD6E, 0x36D3, 0x2169,
        ])
        let y = FieldElement([0x6658] + [Int64](repeating: 0x6666, count: 15))
        return Point(x: x, y: y, z: .one, t: x * y)
    }()

    /// 2d, for the unified addition formula.
    static let twiceD = FieldElement([
        0xF159, 0x26B2, 0x9B94, 0xEBD6, 0xB156, 0x8283, 0x149A, 0x00E0,
        0xD130, 0xEEF3, 0x80F2, 0x198E, 0xFCE7, 0x56DF, 0xD9DC, 0x2406,
    ])

    static func + (p: Point, q: Point) -> Point {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.x + p.y) * (q.x + q.y)
        let c = p.t * q.t * Self.twiceD
        var d = p.z * q.z
        d = d + d
        let e = b - a
        let f = d - c
        let g = d + c
        let h = b + a
        return Point(x: e * f, y: h * g, z: g * f, t: e * h)
    }

    static func conditionalSwap(_ p: inout Point, _ q: inout Point, bit: Int64) {
        FieldElement.conditionalSwap(&p.x, &q.x, bit: bit)
        FieldElement.conditionalSwap(&p.y, &q.y, bit: bit)
        FieldElement.conditionalSwap(&p.z, &q.z, bit: bit)
        FieldElement.conditionalSwap(&p.t, &q.t, bit: bit)
    }

    /// `scalar` (32 little-endian bytes) times this point, by a constant-time ladder.
    func multiplied(by scalar: [UInt8]) -> Point {
        var p = Point.identity
        var q = self
        for i in stride(from: 255, through: 0, by: -1) {
            let bit = Int64((scalar[i / 8] >> (i & 7)) & 1)
            Point.conditionalSwap(&p, &q, bit: bit)
            q = q + p
            p = p + p
            Point.conditionalSwap(&p, &q, bit: bit)
        }
        return p
    }

    /// RFC 8032 encoding: y, with the parity of x in the top bit.
    func encoded() -> [UInt8] {
        let zInverse = self.z.inverted()
        var bytes = (self.y * zInverse).encoded()
        bytes[31] ^= ((self.x * zInverse).encoded()[0] & 1) << 7
        return bytes
    }
}
