import Foundation
import SnapshotStore

/// Buffered JSON lines to a file, or to the command's results (stdout).
final class LineWriter {
    private let file: FileHandle?
    private let standardOutput: CommandOutput
    private var buffer = Data()
    private let encoder = JSONEncoder()
    private var failure: (any Error)?

    /// Writes to `path`, or to `standardOutput`'s results without one.
    init(path: String?, standardOutput: CommandOutput) throws(SnapshotStoreError) {
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.standardOutput = standardOutput
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw .io("cannot write \(path)")
            }
            file = handle
        } else {
            file = nil
        }
    }

    func write(_ value: some Encodable) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func fail(_ error: any Error) { if failure == nil { failure = error } }

    func check() throws { if let failure { throw failure } }

    func flush() {
        if let file {
            file.write(buffer)
        } else if !buffer.isEmpty {
            standardOutput.results(String(decoding: buffer, as: UTF8.self))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        try? file?.close()
    }
}
