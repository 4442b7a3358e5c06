import RoomEngine
import ArenaRoom

/// A straight run that an arena player is certain to make, derived from the
/// room's own state instead of from assumptions about the layout.
///
/// The server's room is restored from a member's join snapshot and played
/// forward with the server's own ``ArenaLogic``, so walls, arena edges and
/// the other players all count, exactly as the server applies them:
///
/// 1. with no input, tick by tick, until the players' positions repeat.
///    Nothing moves unless players spawned overlapping (then they are pushed
///    apart over a few ticks); these idle states are every state the move
///    can find when it reaches the server's room, whatever the timing;
/// 2. from each idle state, with the move applied, for ``horizon`` ticks.
///
/// A run is kept only when, from every idle state, the mover crosses the
/// target line within the horizon and stays past it, while without the move
/// it never gets there. So waiting for the target is waiting for exactly
/// one event: the move was applied and the position reached the observer.
struct ArenaRun: Sendable {
    /// Ticks the simulation gives the move (a second of room time: the
    /// target is about five ticks away in open ground).
    static let horizon = 30

    /// The member that moves.
    let mover: MemberID
    /// Its slot (its positions stream under this id).
    let slot: UInt16
    /// The input that starts the run.
    let move: ArenaInput
    /// Whether the run is along x (else along y).
    let horizontal: Bool
    /// Whether the coordinate grows along the run.
    let forward: Bool
    /// The quantized coordinate (1/16 unit) the mover reaches only by this move.
    let target: Int
    /// How far past the target the mover is at the horizon, at the least.
    let margin: Int

    /// Whether `view`'s mirrored positions show the mover at or past the target.
    func reached(_ view: ClientView) -> Bool {
        guard let entry = view.positions[UInt32(slot)] else { return false }
        return progress(Int(horizontal ? entry.x : entry.y)) >= 0
    }

    /// How far a quantized coordinate along the run is past the target
    /// (negative: short of it).
    func progress(_ coordinate: Int) -> Int {
        forward ? coordinate - target : target - coordinate
    }

    /// The run, among every member of `movers` and the four axis directions,
    /// that ends furthest past a target `distance` grid units (1/16 unit)
    /// beyond its start; `nil` when none makes it.
    static func longest(from snapshot: RoomSnapshot, movers: [MemberID], distance: Int) throws -> ArenaRun? {
        let idle = try idleStates(from: snapshot)
        var best: ArenaRun?
        for mover in movers {
            for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] as [(Int8, Int8)] {
                guard let run = try run(of: mover, dx: dx, dy: dy, distance: distance, from: idle) else { continue }
                if run.margin > best?.margin ?? -1 { best = run }
            }
        }
        return best
    }

    /// The room after 0, 1, 2, … ticks without input, until the players'
    /// raw positions repeat (from then on they cycle through states already
    /// listed; positions depend on nothing but positions when nobody steers).
    private static func idleStates(from snapshot: RoomSnapshot) throws -> [Room<ArenaLogic>] {
        var room = try Room(restoring: snapshot, logic: ArenaLogic())
        var states: [Room<ArenaLogic>] = []
        var seen: [[Int32]] = []
        while true {
            let positions = room.state.players.flatMap { [Int32($0.slot), $0.x, $0.y] }
            if seen.contains(positions) { return states }
            // Two players settle within a few dozen ticks; a room that does
            // not is not a layout this test can reason about.
            guard states.count < 600 else { return [] }
            seen.append(positions)
            states.append(room)
            _ = room.advance()
        }
    }

    private static func run(
        of mover: MemberID, dx: Int8, dy: Int8, distance: Int, from idle: [Room<ArenaLogic>]
    ) throws -> ArenaRun? {
        guard let first = idle.first, let slot = first.state.player(mover)?.slot else { return nil }
        let horizontal = dx != 0
        let forward = dx + dy > 0
        func coordinate(_ room: Room<ArenaLogic>) -> Int? {
            guard let player = room.state.player(mover) else { return nil }
            return Int(ArenaGeometry.quantize(horizontal ? player.x : player.y))
        }
        // The target lies `distance` beyond every idle position: the mover
        // gets there only by moving.
        let starts = idle.compactMap(coordinate)
        guard starts.count == idle.count, let low = starts.min(), let high = starts.max() else { return nil }
        let target = forward ? high + distance : low - distance
        guard (0...Int(UInt16.max)).contains(target) else { return nil }
        let move = ArenaInput.move(dx: dx, dy: dy, buttons: 0)
        var candidate = ArenaRun(mover: mover, slot: slot, move: move, horizontal: horizontal,
                                 forward: forward, target: target, margin: .max)
        for start in idle {
            var room = start
            _ = try room.enqueue(move.encodedBytes(), from: mover)
            var crossed = false
            var progress = Int.min
            for _ in 0..<horizon {
                _ = room.advance()
                guard let now = coordinate(room) else { return nil }
                progress = candidate.progress(now)
                if progress >= 0 {
                    crossed = true
                } else if crossed {
                    return nil  // pushed back behind the target
                }
            }
            guard crossed else { return nil }
            candidate = ArenaRun(mover: mover, slot: slot, move: move, horizontal: horizontal,
                                 forward: forward, target: target, margin: min(candidate.margin, progress))
        }
        return candidate
    }
}
