import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// A parsed SVG document: every element with its attributes, and every text node's content.
struct ParsedSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }
    var elements: [Element] = []

    func elements(_ name: String, class cls: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (cls == nil || $0.classes.contains(cls!)) }
    }
    func count(_ name: String, class cls: String? = nil) -> Int { elements(name, class: cls).count }
    var texts: [String] { elements.filter { $0.name == "text" || $0.name == "title" }.map(\.text) }
    func hasText(containing s: String) -> Bool { texts.contains { $0.contains(s) } }
}

private final class Collector: NSObject, XMLParserDelegate {
    var parsed = ParsedSVG()
    var stack: [Int] = []
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        parsed.elements.append(.init(name: elementName, attributes: attributeDict, text: ""))
        stack.append(parsed.elements.count - 1)
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Every open element gets the characters, so a <text> holds the text of its <tspan>s
        // (math: `h_L` is "h" then a tspan "L") as it reads.
        for i in stack { parsed.elements[i].text += string }
    }
}

/// Parses `svg` with Foundation's XMLParser, failing the test if it is not well-formed.
func parseSVG(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> ParsedSVG {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    if !ok {
        XCTFail("SVG is not well-formed: \(parser.parserError.map { "\($0)" } ?? "unknown error")", file: file, line: line)
        throw NSError(domain: "SVGParse", code: 1)
    }
    XCTAssertEqual(collector.parsed.elements.first?.name, "svg", file: file, line: line)
    return collector.parsed
}
