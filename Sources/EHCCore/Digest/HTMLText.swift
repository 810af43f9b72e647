/// Escaping for text placed in HTML elements and quoted attributes, and the page
/// around a message, shared by the digest and the notices.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities; line breaks as `<br>`.
    static func escape(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u == 0x26 || u == 0x3C || u == 0x3E || u == 0x22 || u == 0x27 || u == 0x0A || u == 0x0D {
            needs = true
            break
        }
        if !needs { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        var lastWasCR = false
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r": out += "<br>"
            case "\n": if !lastWasCR { out += "<br>" }
            default: out.unicodeScalars.append(ch)
            }
            lastWasCR = ch == "\r"
        }
        return out
    }

    static let bodyStyle = "margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f1f1f;"
        + "background-color:#ffffff;-webkit-text-size-adjust:100%;text-size-adjust:100%;"
    static let titleStyle = "margin:0 0 4px 0;font-size:20px;font-weight:bold;line-height:1.3;"
    static let paragraphStyle = "margin:0 0 12px 0;font-size:14px;line-height:1.4;"
    static let headingStyle = "margin:20px 0 6px 0;font-size:16px;font-weight:bold;"
    static let noteStyle = "margin:16px 0 0 0;font-size:12px;color:#555555;"

    /// The document start, up to and including `<body>`. The viewport line makes a
    /// phone lay the page out at its own width rather than a shrunken desktop's.
    static func pageStart(title: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n<title>" + escape(title)
            + "</title>\n</head>\n<body style=\"\(bodyStyle)\">\n"
    }

    static let pageEnd = "</body>\n</html>\n"

    /// The message's title.
    static func title(_ text: String) -> String {
        "<h1 style=\"\(titleStyle)\">" + escape(text) + "</h1>\n"
    }

    /// A section heading.
    static func heading(_ text: String) -> String {
        "<h2 style=\"\(headingStyle)\">" + escape(text) + "</h2>\n"
    }

    /// A paragraph of lines, each escaped, joined with `<br>`; the first in bold when asked.
    static func paragraph(_ lines: [String], boldFirst: Bool = false, style: String = paragraphStyle) -> String {
        var parts = lines.map(escape)
        if boldFirst, !parts.isEmpty { parts[0] = "<strong>" + parts[0] + "</strong>" }
        return "<p style=\"\(style)\">" + parts.joined(separator: "<br>\n") + "</p>\n"
    }
}
