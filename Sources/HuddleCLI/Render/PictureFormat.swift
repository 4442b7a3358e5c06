import ArgumentParser

/// What `huddle render` writes, from the output's extension or `--format`.
enum PictureFormat: String, ExpressibleByArgument, CaseIterable {
    case svg, png

    /// The format a file name asks for (`.svg`, `.png`, any case), if any.
    init?(path: String) {
        guard let dot = path.lastIndex(of: "."), let format = PictureFormat(rawValue: path[path.index(after: dot)...].lowercased())
        else { return nil }
        self = format
    }
}
