/// NHS number checks: ten digits whose last is the Modulus 11 check digit.
public enum NHSNumber {
    /// The ten digits of `text` (spaces and hyphens allowed on input), or `nil` when
    /// it is not ten digits or the check digit is wrong. A remainder giving 10 is never valid.
    public static func normalised(_ text: some StringProtocol) -> String? {
        // Read in place and kept in one integer: every LA row has an NHS number.
        let read = text.withUTF8Bytes { bytes -> (digits: UInt64, separated: Bool)? in
            var digits: UInt64 = 0, count = 0, separated = false
            for u in bytes {
                switch u {
                case 48...57:
                    guard count < 10 else { return nil }
                    digits = digits * 10 + UInt64(u - 48)
                    count += 1
                case UInt8(ascii: " "), UInt8(ascii: "-"): separated = true
                default: return nil
                }
            }
            return count == 10 ? (digits, separated) : nil
        }
        guard let (digits, separated) = read else { return nil }
        var sum = 0
        var rest = digits / 10
        for weight in 2...10 {
            sum += Int(rest % 10) * weight
            rest /= 10
        }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        guard check != 10, check == Int(digits % 10) else { return nil }
        // Ten digits already as written: the text itself.
        if !separated { return String(text) }
        var out = String(digits)
        while out.utf8.count < 10 { out = "0" + out }
        return out
    }
}
