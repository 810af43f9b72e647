/// One section of the digest: a heading, a line saying what it holds where that needs
/// saying, its cards, and a line saying how many were left out when the section is
/// longer than a message may show.
struct DigestSection {
    var heading: String
    var intro: String?
    var cards: [DisplayCard]
    var leftOut: String?

    init(heading: String, intro: String? = nil, cards: [DisplayCard], leftOut: String? = nil) {
        self.heading = heading
        self.intro = intro
        self.cards = cards
        self.leftOut = leftOut
    }

    /// Plain text: the heading underlined, the intro, the cards a blank line apart.
    func text(into out: inout String) {
        out += TextWrap.block(heading)
        out += String(repeating: "-", count: min(heading.count, TextWrap.width)) + "\n"
        if let intro { out += TextWrap.block(intro) }
        for card in cards {
            out += "\n"
            card.text(into: &out)
        }
        if let leftOut { out += "\n" + TextWrap.block(leftOut) }
        out += "\n"
    }

    /// HTML: the heading, the intro, the cards in one block, the left-out line.
    func html(into out: inout String) {
        out += HTMLText.heading(heading)
        if let intro { out += HTMLText.paragraph([intro]) }
        out += "<div style=\"margin:0;padding:0;\">\n"
        for card in cards { card.html(into: &out) }
        out += "</div>\n"
        if let leftOut { out += HTMLText.paragraph([leftOut], style: HTMLText.noteStyle) }
    }
}
