/// One titled table of a message, with a line saying how many rows were left out
/// when a section is longer than the message may show.
struct DisplaySection {
    var heading: String
    var table: DisplayTable
    var leftOut: String?

    /// Plain text: the heading, the table, the left-out line, a blank line.
    func text(into out: inout String) {
        out += heading + "\n"
        table.text(into: &out)
        if let leftOut { out += leftOut + "\n" }
        out += "\n"
    }

    /// HTML: the heading, the table, the left-out line.
    func html(into out: inout String) {
        out += HTMLText.heading(heading)
        table.html(into: &out)
        if let leftOut { out += HTMLText.paragraph([leftOut], style: HTMLText.noteStyle) }
    }
}
