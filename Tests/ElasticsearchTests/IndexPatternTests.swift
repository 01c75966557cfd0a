import Testing

@testable import Elasticsearch

@Suite struct IndexPatternTests {
    @Test(arguments: [
        ("shop.orders", "shop.orders", true), ("shop.*", "shop.orders", true), ("*", "x", true), ("*", "", true),
        ("logs-*-*", "logs-app-prod", true), ("logs-*-*", "logs-app", false), ("*orders", "shop.orders", true),
        ("s*o*s", "shop.orders", true), ("s*x*s", "shop.orders", false), ("shop.", "shop.orders", false),
        ("shop.orders", "shop", false), ("a**b", "ab", true), ("é*", "éa", true),
    ])
    func matching(pattern: String, name: String, matches: Bool) {
        #expect(IndexPattern(pattern).matches(name) == matches)
    }
}
