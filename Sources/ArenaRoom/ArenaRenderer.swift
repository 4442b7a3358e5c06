public import RoomEngine

/// Draws an arena as the demo page does (Assets/js/arena.js, canvas.js):
/// the 4096-unit field on `#1d2330`, the walls in `#55607a`, pickups in
/// `#ffd23f`, each player a disc in its slot's colour (``colors``) with its
/// name and score beside it, and a scoreboard, best first, in the corner.
/// Radii are the geometry's, but at least 4 (pickups) and 7 (players) pixels,
/// like the page.
///
/// Elements carry `data-wall`, `data-pickup`, and `data-member` with
/// `data-score` on players and scoreboard lines.
///
/// ```swift
/// let picture = ArenaRenderer().render(room.state, context: RenderContext(roomID: "a", kind: .arena, tick: room.tick))
/// ```
public struct ArenaRenderer: RoomRenderer {
    /// The logic whose states this draws.
    public typealias Logic = ArenaLogic

    /// The pixel size of the picture (it is square).
    public var pixels: Int

    /// A renderer of `pixels` × `pixels` pictures.
    public init(pixels: Int = 1_024) {
        self.pixels = pixels
    }

    /// The players' colours by slot (the page's `ARENA_COLORS`).
    public static let colors: [UInt32] = [
        0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x42d4f4, 0xf032e6, 0xbfef45, 0x469990, 0x9a6324, 0x800000, 0x000075,
    ]
    /// The field's colour.
    public static let background: UInt32 = 0x1d2330
    /// The walls' colour.
    public static let wallColor: UInt32 = 0x55607a
    /// The pickups' colour.
    public static let pickupColor: UInt32 = 0xffd23f

    /// The colour of the player in `slot`.
    public static func color(slot: UInt16) -> UInt32 { colors[Int(slot) % colors.count] }

    /// The picture of `state`.
    public func render(_ state: ArenaState, context: RenderContext) -> SVGDocument {
        let size = Double(ArenaGeometry.size)
        let unitsPerPixel = size / Double(max(pixels, 1))
        var picture = SVGDocument(viewBox: (0, 0, size, size), width: pixels, height: pixels, title: context.title)
        picture.rect(x: 0, y: 0, width: size, height: size, fill: Self.background, attributes: ["class": "background"])
        picture.beginGroup(["class": "walls"])
        for (index, wall) in ArenaGeometry.walls.enumerated() {
            picture.rect(x: Self.units(wall.minX), y: Self.units(wall.minY), width: Self.units(wall.maxX - wall.minX),
                         height: Self.units(wall.maxY - wall.minY), fill: Self.wallColor, attributes: ["data-wall": String(index)])
        }
        picture.endGroup()
        picture.beginGroup(["class": "pickups"])
        let pickupRadius = max(Self.units(ArenaGeometry.pickupRadius), 4 * unitsPerPixel)
        for pickup in state.pickups {
            picture.circle(cx: Self.units(pickup.x), cy: Self.units(pickup.y), r: pickupRadius, fill: Self.pickupColor,
                           attributes: ["data-pickup": String(pickup.id)])
        }
        picture.endGroup()
        picture.beginGroup(["class": "players"])
        let playerRadius = max(Self.units(ArenaGeometry.playerRadius), 7 * unitsPerPixel)
        for player in state.players {
            let x = Self.units(player.x)
            let y = Self.units(player.y)
            picture.beginGroup(["class": "player", "data-member": player.member.rawValue, "data-score": String(player.score)])
            picture.circle(cx: x, cy: y, r: playerRadius, fill: Self.color(slot: player.slot))
            picture.text("\(player.member.rawValue.prefix(8)) \(player.score)", x: x + playerRadius + 8, y: y - playerRadius,
                         size: 64, fill: 0xffffff)
            picture.endGroup()
        }
        picture.endGroup()
        picture.beginGroup(["class": "scores"])
        let ranked = state.players.sorted { ($0.score, $1.slot) > ($1.score, $0.slot) }
        if !ranked.isEmpty {
            // A backdrop, so the scores stay legible over players passing under them.
            picture.rect(x: 24, y: 40, width: 900, height: Double(ranked.count) * 100 + 20, fill: Self.background,
                         attributes: ["fill-opacity": "0.8", "class": "backdrop"])
        }
        for (rank, player) in ranked.enumerated() {
            picture.text("\(rank + 1). \(player.member.rawValue.prefix(12)): \(player.score)", x: 48, y: 120 + Double(rank) * 100,
                         size: 80, fill: Self.color(slot: player.slot),
                         attributes: ["data-member": player.member.rawValue, "data-score": String(player.score)])
        }
        picture.endGroup()
        return picture
    }

    /// A raw fixed-point coordinate in units.
    static func units(_ raw: Int32) -> Double { Double(raw) / Double(FixedPoint.one) }
}
