/// Small, fast JSON text building for the store's payload columns and `--json` output.
/// Foundation's encoders cost microseconds per object, too much on the bulk path.
public enum JSONText {
    /// `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func quoted(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C { needs = true; break }
        if !needs { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
