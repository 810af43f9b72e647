/// `xl/sharedStrings.xml`: the text of every string cell, which cells name by index
/// (`t="s"`, `<v>3</v>`). An item is plain (`<si><t>…</t></si>`) or rich text, runs
/// each with its own font (`<si><r><t>Speech </t></r><r><t>& Language</t></r></si>`),
/// whose texts join; phonetic guides (`<rPh>`, Japanese readings) are not the cell's text.
final class SharedStringsParser: WorkbookPartParser {
    private(set) var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var inPhonetic = false

    override func start(_ name: String, attributes: [String: String]) {
        switch name {
        case "si": inItem = true; current = ""
        case "rPh": inPhonetic = true
        case "t": inText = inItem && !inPhonetic
        default: break
        }
    }

    override func end(_ name: String) {
        switch name {
        case "si":
            strings.append(SpreadsheetText.unescaped(current))
            inItem = false
        case "rPh": inPhonetic = false
        case "t": inText = false
        default: break
        }
    }

    override func text(_ string: String) {
        if inText { current += string }
    }
}
