import Foundation

/// Tables as the tools print them: left-aligned columns separated by two
/// spaces, the last column unpadded.
///
/// ```swift
/// CLITable.render(["ID", "KIND"], [["1", "counter"]])   // "ID  KIND\n1   counter"
/// ```
enum CLITable {
    /// The header and the rows, one line each.
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
