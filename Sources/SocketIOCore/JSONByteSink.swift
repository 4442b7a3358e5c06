import NIOCore

/// A small write-combining buffer in front of a `ByteBuffer`.
///
/// Every `ByteBuffer` write pays for a capacity check, a uniqueness check and
/// an exclusivity check; serializing JSON byte by byte that way spends most of
/// its time there. The sink collects output in a stack scratch area and
/// appends it to the target buffer in chunks (or once, for typical packets).
struct JSONByteSink {
    /// Scratch size; large writes bypass the scratch area entirely.
    static let capacity = 1024

    private let scratch: UnsafeMutableRawPointer
    private let target: UnsafeMutablePointer<ByteBuffer>
    private var count = 0

    private init(scratch: UnsafeMutableRawPointer, target: UnsafeMutablePointer<ByteBuffer>) {
        self.scratch = scratch
        self.target = target
    }

    /// Runs `body` with a sink that appends to `buffer`; everything written
    /// is in `buffer` when this returns.
    static func withSink<Result>(appendingTo buffer: inout ByteBuffer, _ body: (inout JSONByteSink) -> Result) -> Result {
        withUnsafeMutablePointer(to: &buffer) { target in
            withUnsafeTemporaryAllocation(byteCount: Self.capacity, alignment: 1) { scratch in
                var sink = JSONByteSink(scratch: scratch.baseAddress!, target: target)
                let result = body(&sink)
                sink.flush()
                return result
            }
        }
    }

    /// Moves the scratch contents into the target buffer.
    mutating func flush() {
        guard self.count > 0 else { return }
        self.target.pointee.writeBytes(UnsafeRawBufferPointer(start: self.scratch, count: self.count))
        self.count = 0
    }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        if self.count == Self.capacity { self.flush() }
        self.scratch.storeBytes(of: byte, toByteOffset: self.count, as: UInt8.self)
        self.count += 1
    }

    @inline(__always)
    mutating func write(_ first: UInt8, _ second: UInt8) {
        if self.count > Self.capacity - 2 { self.flush() }
        self.scratch.storeBytes(of: first, toByteOffset: self.count, as: UInt8.self)
        self.scratch.storeBytes(of: second, toByteOffset: self.count + 1, as: UInt8.self)
        self.count += 2
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > Self.capacity - self.count {
            self.flush()
            if bytes.count > Self.capacity / 2 {
                self.target.pointee.writeBytes(bytes)
                return
            }
        }
        (self.scratch + self.count).copyMemory(from: base, byteCount: bytes.count)
        self.count += bytes.count
    }

    @inline(__always)
    mutating func write(_ string: StaticString) {
        self.write(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Gives `body` room for at least `maximumLength` (at most ``capacity``)
    /// bytes; `body` returns how many it wrote.
    @inline(__always)
    mutating func withReservedSpace(_ maximumLength: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        if self.count > Self.capacity - maximumLength { self.flush() }
        self.count += body(self.scratch + self.count)
    }
}
