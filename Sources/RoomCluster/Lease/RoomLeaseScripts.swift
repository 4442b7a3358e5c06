/// The Lua scripts that acquire, renew and release a room's lease
/// atomically in Redis. A lease is one string key whose value names the
/// holder and its fence (`node/fence`), with a millisecond expiry; the fence
/// comes from a counter key that only ever grows.
enum RoomLeaseScripts {
    /// KEYS: lease, fence counter. ARGV: node, milliseconds.
    /// Returns `{fence, ""}` when acquired, `{0, holder}` when held elsewhere.
    static let acquire = """
        local current = redis.call('GET', KEYS[1])
        if current then return {0, current} end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. '/' .. fence, 'PX', ARGV[2])
        return {fence, ''}
        """

    /// KEYS: lease. ARGV: `node/fence`, milliseconds. Returns 1 when the key
    /// was this holder's and was extended, else 0.
    static let renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """

    /// KEYS: lease. ARGV: `node/fence`. Deletes the key when it is this
    /// holder's; returns 1 when it did.
    static let release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """
}
