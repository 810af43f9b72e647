/// Text from outside (a dropped file's name above all) on one line.
extension String {
    /// This text with line breaks and other control characters (tab aside) written as
    /// escapes: `\n`, `\r`, `\u{1B}`. Whoever may drop files chooses their names, so a
    /// name like `x.csv\n<3>…` must not split a log line (and forge a journald entry of
    /// its own priority) nor break the one-line header of an errors list.
    var escapingControlCharacters: String {
        guard utf8.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
