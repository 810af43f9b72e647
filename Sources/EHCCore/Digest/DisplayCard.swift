/// One item of a digest section as a short card: a flag that must stand out (overdue,
/// not delivered), a title, and a few lines. A card reads the same on a phone and on a
/// desktop: in HTML the cards flow side by side where the screen is wide and stack
/// where it is narrow, with inline styles only (mail clients strip `<style>`, and
/// Outlook's Word engine, which ignores `max-width` and `inline-block`, simply stacks
/// them); in text each card is a few lines under 78 columns.
struct DisplayCard {
    /// How much a card asks for attention. Shown in words (the flag) and by the left
    /// border, never by colour alone.
    enum Tone {
        /// Overdue, undelivered, failing: a thick red border and a red label.
        case urgent
        /// Due soon, part-read: a thick amber border and an outlined label.
        case warning
        case plain
    }

    /// Words that must stand out ("OVERDUE 33 days"); in capitals as given.
    var flag: String?
    var tone: Tone
    var title: String
    var lines: [String]
    /// Items listed under the lines, each set apart (a feed's problem files).
    var details: [String]

    init(flag: String? = nil, tone: Tone = .plain, title: String, lines: [String], details: [String] = []) {
        self.flag = flag
        self.tone = tone
        self.title = title
        self.lines = lines
        self.details = details
    }
}

extension DisplayCard {
    /// Plain text: a bullet line with the flag in brackets and the title, then each
    /// line indented two spaces, all wrapped under 78 columns.
    func text(into out: inout String) {
        let head = (flag.map { "[" + $0 + "] " } ?? "") + title
        out += TextWrap.block(head, first: "* ", rest: "  ")
        for line in lines { out += TextWrap.block(line, first: "  ", rest: "    ") }
        for detail in details { out += TextWrap.block(detail, first: "  - ", rest: "    ") }
    }

    static let urgentColour = "#d5281b"
    static let warningColour = "#ffb81c"
    static let plainColour = "#768692"

    static let cardStyle = "display:inline-block;vertical-align:top;box-sizing:border-box;width:100%;max-width:360px;"
        + "margin:0 8px 8px 0;padding:8px 10px;border:1px solid #b1b4b6;background-color:#ffffff;font-size:14px;"
        + "line-height:1.4;overflow-wrap:break-word;word-wrap:break-word;word-break:break-word;"
    static let lineStyle = "margin:0;"
    static let detailStyle = "margin:6px 0 0 0;padding:0 0 0 8px;border-left:2px solid #b1b4b6;"
    static let titleStyle = "margin:0 0 2px 0;font-weight:bold;font-size:15px;"

    /// HTML: a `div` with inline styles, every text escaped.
    func html(into out: inout String) {
        let colour = tone == .urgent ? Self.urgentColour : tone == .warning ? Self.warningColour : Self.plainColour
        out += "<div style=\"\(Self.cardStyle)border-left:6px solid \(colour);\">\n"
        if let flag {
            let label = tone == .urgent
                ? "background-color:\(Self.urgentColour);color:#ffffff;border:1px solid \(Self.urgentColour);"
                : "background-color:#ffffff;color:#1f1f1f;border:2px solid \(colour);"
            out += "<p style=\"margin:0 0 4px 0;\"><strong style=\"display:inline-block;padding:0 6px;\(label)\">"
                + HTMLText.escape(flag) + "</strong></p>\n"
        }
        out += "<p style=\"\(Self.titleStyle)\">" + HTMLText.escape(title) + "</p>\n"
        for line in lines { out += "<p style=\"\(Self.lineStyle)\">" + HTMLText.escape(line) + "</p>\n" }
        for detail in details {
            out += "<p style=\"\(Self.detailStyle)\">" + HTMLText.escape(detail) + "</p>\n"
        }
        out += "</div>\n"
    }
}
