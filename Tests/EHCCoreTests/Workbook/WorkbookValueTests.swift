import EHCCore
import Testing

/// How a workbook's stored values read (SPEC §7 Workbooks): Excel's date serials in both
/// date systems, which number formats are dates, numbers as General shows them, and
/// cell references.
struct WorkbookValueTests {
    @Test(arguments: [
        (1.0, "1900-01-01"),
        (59.0, "1900-02-28"),
        (60.0, "1900-02-29"),  // Lotus's 29 February 1900: no date parser takes it
        (61.0, "1900-03-01"),
        (45000.0, "2023-03-15"),
        (42404.0, "2016-02-04"),
        (46296.0, "2026-10-01"),
        (46296.383333333331, "2026-10-01T09:12:00"),
        (46296.999999, "2026-10-02"),  // 23:59:59.9 rounds to the next midnight
        (0.5, "12:00:00"),
        (2_958_465.0, "9999-12-31"),
    ])
    func serialsIn1900SystemCountLotusLeapDay(_ serial: Double, _ expected: String) {
        #expect(ExcelSerialDate.isoText(serial, system: .from1900) == expected)
    }

    @Test func serialsIn1904SystemCountFromNewYear1904() {
        #expect(ExcelSerialDate.isoText(0, system: .from1904) == "1904-01-01")
        #expect(ExcelSerialDate.isoText(44834, system: .from1904) == "2026-10-01")
        #expect(ExcelSerialDate.isoText(44834.5, system: .from1904) == "2026-10-01T12:00:00")
    }

    @Test func serialsThatAreNoDateAreRefused() {
        #expect(ExcelSerialDate.isoText(-1, system: .from1900) == nil)
        #expect(ExcelSerialDate.isoText(3_000_000, system: .from1900) == nil)
        #expect(ExcelSerialDate.isoText(.nan, system: .from1900) == nil)
    }

    @Test(arguments: [
        (14, nil, true), (22, nil, true), (45, nil, true), (47, nil, true),
        (0, nil, false), (2, nil, false), (49, nil, false), (23, nil, false),
        (164, "dd/mm/yyyy", true), (164, "d-mmm-yy h:mm", true), (164, "[h]:mm:ss", true),
        (164, "[$-809]dd mmmm yyyy", true), (164, "hh:mm AM/PM", true),
        (164, "0.00", false), (164, "#,##0", false), (164, "@", false), (164, "General", false),
        (164, "0 \"days\"", false), (164, "[Red]0.00;[Blue]-0.00", false), (164, "\\d0", false),
        (164, "0;\"dd\"", false), (14, "0.00", false),
    ] as [(Int, String?, Bool)])
    func dateFormatsAreToldFromNumberFormats(_ id: Int, _ code: String?, _ isDate: Bool) {
        #expect(ExcelNumberFormat.isDateOrTime(id: id, code: code) == isDate, "\(id) \(code ?? "-")")
    }

    @Test(arguments: [
        ("9434765919", "9434765919"), ("12345", "12345"), ("12345.0", "12345"), ("1.5", "1.5"),
        ("0.30000000000000004", "0.3"), ("-2", "-2"), ("1E-3", "0.001"), ("2.5E+3", "2500"),
        ("-0", "0"), ("0.1", "0.1"), ("123456789012.5", "123456789012.5"), ("not a number", "not a number"),
    ])
    func numbersReadAsGeneralFormatShowsThem(_ stored: String, _ shown: String) {
        #expect(ExcelNumberText.general(stored) == shown)
    }

    @Test func cellReferencesGiveColumnAndRow() {
        #expect(CellReference("C5") == CellReference(column: 2, row: 5))
        #expect(CellReference("AA10") == CellReference(column: 26, row: 10))
        #expect(CellReference("$B$7") == CellReference(column: 1, row: 7))
        #expect(CellReference("XFD1048576") == CellReference(column: 16383, row: 1_048_576))
        for bad in ["XFE1", "A0", "1A", "A", "", "A1B", "AAAA1", "A10485761"] { #expect(CellReference(bad) == nil, "\(bad)") }
        #expect(CellReference.letters(ofColumn: 0) == "A")
        #expect(CellReference.letters(ofColumn: 27) == "AB")
    }
}
