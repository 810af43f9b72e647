/// NHS number checks: ten digits whose last is the Modulus 11 check digit.
public enum NHSNumber {
    /// The ten digits of `text` (spaces and hyphens allowed on input), or `nil` when
    /// it is not ten digits or the check digit is wrong. A remainder giving 10 is never valid.
    public static func normalised(_ text: some StringProtocol) -> String? {
        var digits: [Int] = []
        digits.reserveCapacity(10)
        for u in text.utf8 {
            switch u {
            case 48...57: digits.append(Int(u - 48))
            case UInt8(ascii: " "), UInt8(ascii: "-"): continue
            default: return nil
            }
            if digits.count > 10 { return nil }
        }
        guard digits.count == 10 else { return nil }
        var sum = 0
        for i in 0..<9 { sum += digits[i] * (10 - i) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        guard check != 10, check == digits[9] else { return nil }
        return String(decoding: digits.map { UInt8($0 + 48) }, as: UTF8.self)
    }
}
