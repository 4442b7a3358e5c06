import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document, parsed as XML (so the document is
/// well-formed too), in document order with their attributes.
struct SVGElements {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text: String
        /// The `class` attributes of the enclosing groups, outermost first.
        let groups: [String]
    }

    private(set) var elements: [Element] = []

    /// Parses `text`, or nil when it is not well-formed XML.
    init?(_ text: String) {
        let collector = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        guard parser.parse() else { return nil }
        elements = collector.elements
    }

    /// Elements named `name`, optionally only inside a group of class `group`.
    func named(_ name: String, in group: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (group == nil || $0.groups.contains(group!)) }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var groups: [String] = []
        var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            elements.append(Element(name: name, attributes: attributes, text: "", groups: groups))
            open.append(elements.count - 1)
            if name == "g" { groups.append(attributes["class"] ?? "") }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let last = open.last { elements[last].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
            if name == "g" { groups.removeLast() }
        }
    }
}
