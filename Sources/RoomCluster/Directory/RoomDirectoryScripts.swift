/// The Lua scripts of the cluster's room directory (``RedisRoomDirectory``):
/// each runs atomically in Redis, so joins racing on several nodes never
/// overfill a room. Keys are built inside the scripts from the prefix
/// (``ClusterKeys``): one Redis, not Redis Cluster's hash slots.
enum RoomDirectoryScripts {
    /// ARGV: prefix, kind, member, capacity, node, seat key.
    /// Returns `{status, room, owner, members, capacity, seat key}` with status
    /// `joined` (a seat in the oldest open room; no seat key), `created` (a
    /// new room owned by `node`, keeping the seat key given) or `member`
    /// (already in `room` of that kind).
    static let joinOrCreate = """
        local prefix, kind, member, capacity, node, seatKey = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
        local memberKey = prefix .. ':member:' .. kind .. ':' .. member
        local current = redis.call('GET', memberKey)
        if current then return {'member', current, '', 0, 0, ''} end
        local openKey = prefix .. ':open:' .. kind
        while true do
          local first = redis.call('ZRANGE', openKey, 0, 0)
          if #first == 0 then break end
          local id = first[1]
          local roomKey = prefix .. ':room:' .. id
          local fields = redis.call('HMGET', roomKey, 'members', 'capacity', 'owner')
          if not fields[1] then
            redis.call('ZREM', openKey, id)
          else
            local members, roomCapacity = tonumber(fields[1]) + 1, tonumber(fields[2])
            redis.call('HSET', roomKey, 'members', members)
            if members >= roomCapacity then redis.call('ZREM', openKey, id) end
            redis.call('SET', memberKey, id)
            redis.call('SADD', roomKey .. ':members', member)
            return {'joined', id, fields[3], members, roomCapacity, ''}
          end
        end
        redis.call('SADD', prefix .. ':kinds', kind)
        local order = redis.call('INCR', prefix .. ':created:' .. kind)
        local id = kind .. '-' .. order
        redis.call('HSET', prefix .. ':room:' .. id, 'kind', kind, 'capacity', capacity, 'members', 1, 'owner', node, 'order', order, 'seatkey', seatKey)
        redis.call('ZADD', prefix .. ':rooms:' .. kind, order, id)
        if capacity > 1 then redis.call('ZADD', openKey, order, id) end
        redis.call('SET', memberKey, id)
        redis.call('SADD', prefix .. ':room:' .. id .. ':members', member)
        return {'created', id, node, 1, capacity, seatKey}
        """

    /// ARGV: prefix, kind, member, room. Frees the member's seat when it is
    /// in that room; returns the members left, or -1 when it was not there.
    static let leave = """
        local prefix, kind, member, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local memberKey = prefix .. ':member:' .. kind .. ':' .. member
        if redis.call('GET', memberKey) ~= id then return -1 end
        redis.call('DEL', memberKey)
        local roomKey = prefix .. ':room:' .. id
        redis.call('SREM', roomKey .. ':members', member)
        local fields = redis.call('HMGET', roomKey, 'members', 'order')
        if not fields[1] then return -1 end
        local members = math.max(tonumber(fields[1]) - 1, 0)
        redis.call('HSET', roomKey, 'members', members)
        redis.call('ZADD', prefix .. ':open:' .. kind, tonumber(fields[2]), id)
        return members
        """

    /// ARGV: prefix, kind, room, `force` to remove the room even with
    /// members (their seats go with it), and a node (or empty): when given,
    /// the room is removed only while that node owns it (a node that lost a
    /// room's lease must not remove it from under the node that resumed it).
    /// Removes the room from the directory; returns 1 when removed, 0 when
    /// not forced and a member joined meanwhile, or owned by another node
    /// (it stays).
    static let remove = """
        local prefix, kind, id, force, onlyOwner = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local roomKey = prefix .. ':room:' .. id
        if onlyOwner ~= '' and redis.call('HGET', roomKey, 'owner') ~= onlyOwner then return 0 end
        local members = redis.call('HGET', roomKey, 'members')
        if force ~= 'force' and members and tonumber(members) > 0 then return 0 end
        for _, member in ipairs(redis.call('SMEMBERS', roomKey .. ':members')) do
          local memberKey = prefix .. ':member:' .. kind .. ':' .. member
          if redis.call('GET', memberKey) == id then redis.call('DEL', memberKey) end
        end
        redis.call('DEL', roomKey .. ':members')
        redis.call('DEL', roomKey)
        redis.call('ZREM', prefix .. ':rooms:' .. kind, id)
        redis.call('ZREM', prefix .. ':open:' .. kind, id)
        return 1
        """

    /// ARGV: prefix, kind (empty: every kind). Returns
    /// `{kind, id, members, capacity, owner, ...}`, each kind's rooms oldest first.
    static let list = """
        local prefix, only = ARGV[1], ARGV[2]
        local kinds = {only}
        if only == '' then
          kinds = redis.call('SMEMBERS', prefix .. ':kinds')
          table.sort(kinds)
        end
        local result = {}
        for _, kind in ipairs(kinds) do
          for _, id in ipairs(redis.call('ZRANGE', prefix .. ':rooms:' .. kind, 0, -1)) do
            local fields = redis.call('HMGET', prefix .. ':room:' .. id, 'members', 'capacity', 'owner')
            if fields[1] then
              table.insert(result, kind)
              table.insert(result, id)
              table.insert(result, tonumber(fields[1]))
              table.insert(result, tonumber(fields[2]))
              table.insert(result, fields[3])
            end
          end
        end
        return result
        """

    /// ARGV: prefix, room, node. Names no owner for the room while `node`
    /// owns it (a node handing its rooms over as it stops); returns 1 when
    /// done, 0 when the room is gone or owned by another node.
    static let disown = """
        local roomKey = ARGV[1] .. ':room:' .. ARGV[2]
        if redis.call('HGET', roomKey, 'owner') ~= ARGV[3] then return 0 end
        redis.call('HSET', roomKey, 'owner', '')
        return 1
        """

    /// ARGV: prefix, room, node. Makes `node` the room's owner in the
    /// directory (after it took the lease); returns
    /// `{kind, members, capacity, seat key, previous owner, {seated member, ...}}`,
    /// or 0 when the room is gone.
    static let claim = """
        local roomKey = ARGV[1] .. ':room:' .. ARGV[2]
        local fields = redis.call('HMGET', roomKey, 'kind', 'members', 'capacity', 'seatkey', 'owner')
        if not fields[1] then return 0 end
        redis.call('HSET', roomKey, 'owner', ARGV[3])
        local seated = redis.call('SMEMBERS', roomKey .. ':members')
        table.sort(seated)
        return {fields[1], tonumber(fields[2]), tonumber(fields[3]), fields[4] or '', fields[5] or '', seated}
        """
}
