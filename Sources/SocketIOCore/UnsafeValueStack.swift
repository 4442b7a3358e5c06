/// A growable stack of values the parser has read but whose container has
/// not closed yet.
///
/// Collecting elements here and moving them into an exactly sized array when
/// the container closes replaces the repeated reallocation of growing arrays
/// (one allocation per container instead of several). The first slots live in
/// caller-provided (stack) scratch memory, so small documents never allocate
/// for it; deeper or wider ones move to the heap.
struct UnsafeValueStack<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var ownsStorage = false
    private(set) var count = 0

    /// Uses `scratch` (uninitialized, at least one element) until it is full.
    init(scratch: UnsafeMutableBufferPointer<Element>) {
        self.base = scratch.baseAddress!
        self.capacity = scratch.count
    }

    deinit {
        self.base.deinitialize(count: self.count)
        if self.ownsStorage { self.base.deallocate() }
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if self.count == self.capacity { self.grow() }
        (self.base + self.count).initialize(to: element)
        self.count += 1
    }

    /// Moves the elements from `start` to the top into a new array, in order.
    mutating func popArray(from start: Int) -> [Element] {
        let length = self.count - start
        guard length > 0 else { return [] }
        let source = self.base + start
        // Copying then deinitializing measured faster than moving into
        // `Array(unsafeUninitializedCapacity:)`, whose generic allocation
        // path is not specialized on Linux.
        let array = Array(UnsafeBufferPointer(start: source, count: length))
        source.deinitialize(count: length)
        self.count = start
        return array
    }

    private mutating func grow() {
        let newCapacity = self.capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: self.base, count: self.count)
        if self.ownsStorage { self.base.deallocate() }
        self.base = newBase
        self.capacity = newCapacity
        self.ownsStorage = true
    }
}
