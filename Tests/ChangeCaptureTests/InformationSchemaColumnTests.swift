@testable import ChangeCapture
import Testing

@Suite struct InformationSchemaColumnTests {
    func column(_ type: String) -> InformationSchemaColumn {
        InformationSchemaColumn(name: "c", dataType: "enum", columnType: type, isJSON: false)
    }

    @Test func labelsWithQuotesCommasAndEmpty() {
        #expect(column("enum('a','b,c','it''s','')").labels == ["a", "b,c", "it's", ""])
        #expect(column("set('x')").labels == ["x"])
        #expect(column("enum('Small','LARGE')").labels == ["Small", "LARGE"])
    }

    @Test func unsignedness() {
        #expect(column("int(10) unsigned").isUnsigned)
        #expect(column("bigint unsigned zerofill").isUnsigned)
        #expect(column("INT(10) UNSIGNED").isUnsigned)
        #expect(!column("int(11)").isUnsigned)
    }

    @Test func literalsAreEscaped() {
        #expect(InformationSchema.sqlLiteral("o'k\\") == "'o''k\\\\'")
    }
}
