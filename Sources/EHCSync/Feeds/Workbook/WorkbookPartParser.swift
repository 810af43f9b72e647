import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The common half of reading one XML part of a workbook with Foundation's `XMLParser`:
/// element names without their namespace prefix, the text of the elements a subclass
/// asks for, a failure that stops the parse, and the check that the document ended.
///
/// Why `XMLParser`: it is a SAX parser (libxml2 underneath, part of Foundation on every
/// Swift platform, so no new dependency), which hands out elements as it meets them, so
/// a sheet of a million rows is parsed holding one row. XMLCoder and SWXMLHash, the
/// other two in the package mirror, build the whole document (or a decoded copy of it)
/// in memory first: several times the sheet's size, for a file the config lets reach
/// `max_bytes` unpacked. It loads no DTDs and no external entities (set explicitly in
/// `parse`), and `ZipEntryStream` refuses any part that declares a document type.
///
/// Subclasses override `start`, `end` and `text`.
class WorkbookPartParser: NSObject, XMLParserDelegate {
    /// Why the parse stopped early: a subclass's complaint or an error thrown by the
    /// caller's record handler.
    private(set) var failure: (any Error)?
    private var depth = 0
    /// The root element has closed: the part was read to its end.
    private(set) var isComplete = false
    private weak var parser: XMLParser?
    private weak var stream: ZipEntryStream?
    /// The part's name, for messages.
    private var part = ""

    /// Runs the parse over `stream`, which reads the part `part`, and throws the first
    /// thing that went wrong: the bytes, this parser's own complaint, the XML, or an end
    /// that came too soon.
    func parse(_ stream: ZipEntryStream, part: String) throws {
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.externalEntityResolvingPolicy = .never
        parser.delegate = self
        self.parser = parser
        self.stream = stream
        self.part = part
        _ = parser.parse()
        if let failure = stream.failure { throw failure }
        if let failure { throw failure }
        if parser.parserError != nil {
            throw WorkbookError("is damaged: \(part) is not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber))")
        }
        guard isComplete else { throw WorkbookError("is damaged: \(part) ends early") }
    }

    /// Stops the parse; `parse` then throws `error` (the first one given).
    func fail(_ error: any Error) {
        if failure == nil { failure = error }
        stream?.stop()
        parser?.abortParsing()
    }

    /// An element opened; `name` has no prefix (`row`, not `x:row`).
    func start(_ name: String, attributes: [String: String]) {}
    /// An element closed.
    func end(_ name: String) {}
    /// Text inside the current element (possibly in several pieces).
    func text(_ string: String) {}

    /// An attribute by its name without prefix (`id` finds `r:id`).
    static func attribute(_ name: String, in attributes: [String: String]) -> String? {
        if let value = attributes[name] { return value }
        return attributes.first { $0.key.hasSuffix(":" + name) }?.value
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String]) {
        guard failure == nil else { return }
        depth += 1
        start(Self.localName(elementName), attributes: attributeDict)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        end(Self.localName(elementName))
        depth -= 1
        if depth == 0 { isComplete = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        text(string)
    }

    /// The first XML error ends the parse. libxml2 would recover and go on, and Foundation
    /// leaks a few strings for every error it reports (seen by the xlsx fuzz target's leak
    /// check, inside `_CFErrorCreateFromXMLInterface`): stopping at the first keeps a
    /// malformed part's cost to one error, however many it holds.
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard failure == nil else { return }
        fail(WorkbookError("is damaged: \(part) is not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber))"))
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil else { return }
        text(String(decoding: CDATABlock, as: UTF8.self))
    }
}
