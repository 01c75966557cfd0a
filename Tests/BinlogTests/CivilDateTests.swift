import Testing

@testable import Binlog

@Suite struct CivilDateTests {
    @Test func knownDays() {
        #expect(CivilDate(daysSince1970: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(daysSince1970: -1) == CivilDate(year: 1969, month: 12, day: 31))
        #expect(CivilDate(daysSince1970: 11_016) == CivilDate(year: 2000, month: 2, day: 29))
        #expect(CivilDate(daysSince1970: 11_017) == CivilDate(year: 2000, month: 3, day: 1))
        #expect(CivilDate(daysSince1970: -719_468) == CivilDate(year: 0, month: 3, day: 1))
    }

    @Test func consecutiveDaysAdvanceByOne() {
        var previous = CivilDate(daysSince1970: -200_000)
        for day in Int64(-199_999)...Int64(200_000) {
            let date = CivilDate(daysSince1970: day)
            let isLeap = previous.year % 4 == 0 && (previous.year % 100 != 0 || previous.year % 400 == 0)
            let daysInMonth: UInt8 =
                switch previous.month {
                case 2: isLeap ? 29 : 28
                case 4, 6, 9, 11: 30
                default: 31
                }
            let expected =
                if previous.day < daysInMonth {
                    CivilDate(year: previous.year, month: previous.month, day: previous.day + 1)
                } else if previous.month < 12 {
                    CivilDate(year: previous.year, month: previous.month + 1, day: 1)
                } else {
                    CivilDate(year: previous.year + 1, month: 1, day: 1)
                }
            guard date == expected else {
                Issue.record("day \(day): \(date), expected \(expected)")
                return
            }
            previous = date
        }
    }
}
