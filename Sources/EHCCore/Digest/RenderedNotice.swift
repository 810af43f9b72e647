/// A notice message ready for any channel: a subject and text and HTML parts for
/// mail, and the JSON body (SPEC §6) for webhooks.
public struct RenderedNotice: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
    public var json: String

    public init(subject: String, text: String, html: String, json: String) {
        self.subject = subject
        self.text = text
        self.html = html
        self.json = json
    }
}
