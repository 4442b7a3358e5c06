import RoomEngine

/// Deterministic arena movement and collisions, all in integer fixed-point.
///
/// Order of one physics step (documented in `docs/room-engine.md`):
/// 1. every player, ascending by slot, moves by its latest direction
///    (diagonals use ``ArenaGeometry/diagonalSpeed``, dash doubles) and is
///    pushed out of the arena edges and walls;
/// 2. every overlapping pair (i < j by slot) is separated along the line
///    between centres, half each (the odd raw unit goes to j; coincident
///    centres separate along +x);
/// 3. every player is pushed out of walls again.
/// One separation pass per tick: crowds settle over a few ticks.
enum ArenaPhysics {
    /// Moves, separates and wall-resolves every player.
    static func step(_ players: inout [ArenaPlayer]) {
        for index in players.indices {
            let (vx, vy) = velocity(of: players[index])
            var x = players[index].x + vx
            var y = players[index].y + vy
            resolveWalls(x: &x, y: &y, radius: ArenaGeometry.playerRadius)
            players[index].x = x
            players[index].y = y
        }
        separate(&players)
        for index in players.indices {
            var x = players[index].x
            var y = players[index].y
            resolveWalls(x: &x, y: &y, radius: ArenaGeometry.playerRadius)
            players[index].x = x
            players[index].y = y
        }
    }

    /// The raw displacement a player's latest input asks for this tick.
    static func velocity(of player: ArenaPlayer) -> (Int32, Int32) {
        let diagonal = player.dx != 0 && player.dy != 0
        var speed = diagonal ? ArenaGeometry.diagonalSpeed : ArenaGeometry.speed
        if player.buttons & ArenaGeometry.dashButton != 0 { speed *= 2 }
        return (Int32(player.dx) * speed, Int32(player.dy) * speed)
    }

    /// Clamps a circle into the arena and pushes it out of every wall.
    static func resolveWalls(x: inout Int32, y: inout Int32, radius: Int32) {
        let range = radius...(FixedPoint.units(ArenaGeometry.size) - radius)
        x = FixedPoint.clamp(x, range)
        y = FixedPoint.clamp(y, range)
        for wall in ArenaGeometry.walls {
            pushOut(x: &x, y: &y, radius: radius, from: wall)
        }
        x = FixedPoint.clamp(x, range)
        y = FixedPoint.clamp(y, range)
    }

    /// Whether a circle touches any wall (used to place spawns).
    static func overlapsWall(x: Int32, y: Int32, radius: Int32) -> Bool {
        ArenaGeometry.walls.contains { wall in
            let dx = Int64(x - FixedPoint.clamp(x, wall.minX...wall.maxX))
            let dy = Int64(y - FixedPoint.clamp(y, wall.minY...wall.maxY))
            return dx * dx + dy * dy < Int64(radius) * Int64(radius)
        }
    }

    /// Squared distance between two points, in `Int64`.
    static func distanceSquared(_ x0: Int32, _ y0: Int32, _ x1: Int32, _ y1: Int32) -> Int64 {
        let dx = Int64(x1) - Int64(x0)
        let dy = Int64(y1) - Int64(y0)
        return dx * dx + dy * dy
    }

    /// Circle-versus-rectangle: moves the centre to the circle's radius from
    /// the rectangle's closest point, or, when the centre is inside, out
    /// through the nearest edge (ties: left, right, top, bottom).
    private static func pushOut(x: inout Int32, y: inout Int32, radius: Int32, from wall: ArenaWall) {
        let closestX = FixedPoint.clamp(x, wall.minX...wall.maxX)
        let closestY = FixedPoint.clamp(y, wall.minY...wall.maxY)
        let dx = Int64(x - closestX)
        let dy = Int64(y - closestY)
        let squared = dx * dx + dy * dy
        let radius64 = Int64(radius)
        guard squared < radius64 * radius64 else { return }
        if squared == 0 {
            let exits: [(depth: Int32, apply: (inout Int32, inout Int32) -> Void)] = [
                (x - wall.minX, { x, _ in x = wall.minX - radius }),
                (wall.maxX - x, { x, _ in x = wall.maxX + radius }),
                (y - wall.minY, { _, y in y = wall.minY - radius }),
                (wall.maxY - y, { _, y in y = wall.maxY + radius }),
            ]
            var best = exits[0]
            for exit in exits.dropFirst() where exit.depth < best.depth { best = exit }
            best.apply(&x, &y)
            return
        }
        let distance = Int64(FixedPoint.squareRoot(UInt64(squared)))
        x = closestX + Int32(dx * radius64 / distance)
        y = closestY + Int32(dy * radius64 / distance)
    }

    /// One pass of circle-circle separation over all pairs, i < j by slot.
    private static func separate(_ players: inout [ArenaPlayer]) {
        let minimum = Int64(ArenaGeometry.playerRadius) * 2
        for i in players.indices {
            for j in players.indices where j > i {
                var dx = Int64(players[j].x) - Int64(players[i].x)
                var dy = Int64(players[j].y) - Int64(players[i].y)
                let squared = dx * dx + dy * dy
                guard squared < minimum * minimum else { continue }
                var distance = Int64(FixedPoint.squareRoot(UInt64(squared)))
                if distance == 0 {
                    dx = 1
                    dy = 0
                    distance = 1
                }
                let overlap = minimum - distance
                let shiftI = overlap / 2
                let shiftJ = overlap - shiftI
                players[i].x -= Int32(dx * shiftI / distance)
                players[i].y -= Int32(dy * shiftI / distance)
                players[j].x += Int32(dx * shiftJ / distance)
                players[j].y += Int32(dy * shiftJ / distance)
            }
        }
    }
}
