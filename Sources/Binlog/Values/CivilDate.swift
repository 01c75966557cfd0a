/// A proleptic Gregorian date computed from a day count, without Foundation or time zones.
struct CivilDate: Equatable {
    var year: Int64
    var month: UInt8
    var day: UInt8
}

extension CivilDate {
    /// The date `days` days after 1970-01-01 (negative for earlier dates).
    ///
    /// Howard Hinnant's `civil_from_days`: shift the epoch to 0000-03-01 so that leap days fall at
    /// the end of each year, then split into 400-year eras of 146 097 days.
    init(daysSince1970 days: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchBasedMonth = (5 * dayOfYear + 2) / 153
        let month = marchBasedMonth < 10 ? marchBasedMonth + 3 : marchBasedMonth - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = UInt8(month)
        self.day = UInt8(dayOfYear - (153 * marchBasedMonth + 2) / 5 + 1)
    }
}
