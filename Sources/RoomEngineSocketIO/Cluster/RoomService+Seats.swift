import Logging
import RoomEngine

extension RoomService {
    /// Frees the directory's seats in this node's rooms that no member holds
    /// here: a join that timed out at its member's node and ran in Redis
    /// afterwards (the command is not withdrawn), or a member whose node
    /// died between its placement and its join. Such a seat would keep the
    /// member out of every room of the kind (`alreadyAMember`) and count
    /// against the room's capacity. A seat is freed when it was found so at
    /// two sweeps in a row (`previous` is what the last sweep found; the
    /// result is for the next): a join on its way is admitted long before.
    func reconcileSeats(_ cluster: ClusterNode, previous: [RoomID: Set<MemberID>]) async -> [RoomID: Set<MemberID>] {
        var found: [RoomID: Set<MemberID>] = [:]
        for listing in await directory.rooms() {
            guard let seated = try? await cluster.placement.seatedMembers(of: listing.id),
                  let here = await directory.occupants(of: listing.id) else { continue }
            let strays = Set(seated).subtracting(here)
            guard !strays.isEmpty else { continue }
            let confirmed = strays.intersection(previous[listing.id] ?? [])
            for member in confirmed {
                do {
                    try await cluster.placement.leave(member, kind: listing.kind, from: listing.id)
                    core.logger.warning("freed a seat the directory held for a member not in the room", metadata: [
                        "room": "\(listing.id)", "member": "\(member)",
                    ])
                } catch {
                    found[listing.id, default: []].insert(member)  // Redis could not be asked: next sweep
                }
            }
            let pending = strays.subtracting(confirmed)
            if !pending.isEmpty { found[listing.id, default: []].formUnion(pending) }
        }
        return found
    }
}
