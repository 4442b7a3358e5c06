/// The room kinds a program runs, each registered once: what `huddle serve`
/// binds to Socket.IO, what the replayer and verifier re-simulate recordings
/// with, and what every command of the `huddle` CLI decodes inputs and
/// states with.
///
/// A catalog is a plain value the program hands to each layer: the engine
/// and the tools know no kind by name. A recording names its kind and logic
/// version; it replays with exactly that entry, so a catalog may also keep
/// older versions of a kind for its old recordings (the newest version of
/// each kind is the one served).
///
/// ```swift
/// let kinds: RoomKindCatalog = .builtIn + [RoomKindEntry(CounterLogic())]
/// kinds.kinds                                    // ["whiteboard", "arena", "counter"]
/// let entry = kinds.entry(for: "counter")        // the version served
/// let old = kinds.entry(for: "counter", version: 1)
/// ```
public struct RoomKindCatalog: Sendable, ExpressibleByArrayLiteral {
    /// Every registered entry, in registration order (one per kind and version).
    public private(set) var entries: [RoomKindEntry]

    /// A catalog of `entries`; a later entry of the same kind and version
    /// replaces an earlier one (so a program can override a built-in kind).
    public init(_ entries: [RoomKindEntry]) {
        self.entries = []
        for entry in entries { register(entry) }
    }

    /// A catalog written as a list: `[.whiteboard, .arena]`.
    public init(arrayLiteral entries: RoomKindEntry...) {
        self.init(entries)
    }

    /// Adds `entry`, replacing a registered entry of the same kind and version.
    public mutating func register(_ entry: RoomKindEntry) {
        if let index = entries.firstIndex(where: { $0.kind == entry.kind && $0.logicVersion == entry.logicVersion }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// The entries of both catalogs; `rhs` wins where both register a kind
    /// at the same version.
    public static func + (lhs: RoomKindCatalog, rhs: RoomKindCatalog) -> RoomKindCatalog {
        var merged = lhs
        for entry in rhs.entries { merged.register(entry) }
        return merged
    }

    /// The registered kinds, each once, in registration order.
    public var kinds: [RoomKind] {
        var seen: Set<RoomKind> = []
        return entries.map(\.kind).filter { seen.insert($0).inserted }
    }

    /// The entry of each kind that new rooms run: its newest version.
    public var servedEntries: [RoomKindEntry] {
        kinds.compactMap { entry(for: $0) }
    }

    /// The newest registered version of `kind`, if the kind is registered.
    public func entry(for kind: RoomKind) -> RoomKindEntry? {
        entries.filter { $0.kind == kind }.max { $0.logicVersion < $1.logicVersion }
    }

    /// The entry of `kind` at exactly `version` (what a recording of that
    /// version replays with), if registered.
    public func entry(for kind: RoomKind, version: UInt32) -> RoomKindEntry? {
        entries.first { $0.kind == kind && $0.logicVersion == version }
    }

    /// The registered versions of `kind`, ascending (empty for an unknown kind).
    public func versions(of kind: RoomKind) -> [UInt32] {
        entries.filter { $0.kind == kind }.map(\.logicVersion).sorted()
    }
}
