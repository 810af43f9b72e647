/// A `.rels` part: which part a relationship id points to, and of what type. A workbook
/// finds its sheets, shared strings and styles through these, not by fixed names, as
/// writers other than Excel name parts as they like.
final class RelationshipsParser: WorkbookPartParser {
    struct Relationship: Equatable {
        var type: String
        /// The target part's full name in the zip, resolved against the source part's folder.
        var target: String
    }

    /// The folder of the part these relationships belong to (`xl` for `xl/workbook.xml`).
    private let base: String
    private(set) var byID: [String: Relationship] = [:]
    /// In document order, for finding the first of a type.
    private(set) var all: [Relationship] = []

    init(base: String) { self.base = base }

    override func start(_ name: String, attributes: [String: String]) {
        guard name == "Relationship", attributes["TargetMode"]?.lowercased() != "external",
              let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"] else { return }
        let relationship = Relationship(type: type, target: Self.resolve(target, against: base))
        if byID[id] == nil { byID[id] = relationship }
        all.append(relationship)
    }

    /// The first target whose type ends with `/suffix` (`/styles`, `/sharedStrings`).
    func first(ofType suffix: String) -> String? {
        all.first { $0.type.hasSuffix("/" + suffix) }?.target
    }

    /// `target` as a part name: absolute (`/xl/x.xml`) as is, relative against `base`,
    /// with `.` and `..` segments applied.
    static func resolve(_ target: String, against base: String) -> String {
        var segments: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }
}
