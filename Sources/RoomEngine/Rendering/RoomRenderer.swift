/// Draws one state of a room kind as a picture: what `huddle render`
/// writes for a recorded session at a tick. A kind supplies one with its
/// ``RoomKindEntry`` (``RoomKindEntry/init(_:config:syntheticMembers:renderer:)``);
/// a kind without one cannot be rendered (the CLI says so).
///
/// Rendering is pure: a state in, an ``SVGDocument`` out, no I/O, so a
/// renderer is tested without files.
///
/// ```swift
/// struct CounterRenderer: RoomRenderer {
///     func render(_ state: CounterLogic.State, context: RenderContext) -> SVGDocument {
///         var picture = SVGDocument(viewBox: (0, 0, 200, 100), width: 400, height: 200, title: context.title)
///         picture.text("\(state.value)", x: 20, y: 60, size: 40, fill: 0x000000)
///         return picture
///     }
/// }
/// let entry = RoomKindEntry(CounterLogic(), renderer: CounterRenderer())
/// ```
public protocol RoomRenderer<Logic>: Sendable {
    /// The kind's logic, whose states this draws.
    associatedtype Logic: RoomLogic
    /// The picture of `state`.
    func render(_ state: Logic.State, context: RenderContext) -> SVGDocument
}

/// What a renderer knows besides the state: which room, kind and tick.
public struct RenderContext: Sendable, Equatable {
    /// The room.
    public var roomID: RoomID
    /// The room's kind.
    public var kind: RoomKind
    /// The tick the state is at.
    public var tick: UInt64

    /// Creates a context.
    public init(roomID: RoomID, kind: RoomKind, tick: UInt64) {
        self.roomID = roomID
        self.kind = kind
        self.tick = tick
    }

    /// `whiteboard room r-1 at tick 120`: a picture's title.
    public var title: String { "\(kind) room \(roomID) at tick \(tick)" }
}
