// Lua scripts of the Redis group store. Each runs atomically inside Redis: no other
// command interleaves, so "look up the hashes, else allocate a group and claim the
// hashes" cannot race. Two consumers assigning the same new hash at once run one
// script after the other; the second finds the hash the first attached.
//
// Keys are passed in KEYS where known up front; the group hash key depends on the
// group id the script resolves, so it is built from ARGV[1] (`<prefix>grp:<project>:group:`).
// That, and the cluster-wide sequence, make the scripts single-instance (not Redis
// Cluster) scripts, which is what the pipeline deploys.
//
// Numbers: timestamps are passed and stored as the caller's decimal strings and only
// converted (tonumber) to compare, because Lua's tostring() keeps 14 significant digits
// and would round fractional Unix seconds. Group ids are formatted with %d for the same
// reason.

/**
 * KEYS[1] grouping-state fence, KEYS[2] group id sequence, KEYS[3] event marker, KEYS[4..]
 * hash keys in priority order.
 * ARGV[1] group key prefix, ARGV[2] marker TTL seconds, ARGV[3] timestamp, ARGV[4] event
 * id, ARGV[5] title, ARGV[6] culprit, ARGV[7] level.
 * Returns {group id (string), is new (0|1), redelivered (0|1)}, or {"", 0, 0} when the
 * fence is missing. Checking it here, in the same atomic step as the INCR, is what makes
 * an allocation from a wiped (restarted-empty) Redis impossible: a check in the caller
 * could pass just before the wipe and the INCR run just after (state-fence.ts).
 */
export const ASSIGN_GROUP_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', 0, 0} end
local marker = redis.call('GET', KEYS[3])
if marker then
  local sep = string.find(marker, ':', 1, true)
  return {string.sub(marker, 1, sep - 1), tonumber(string.sub(marker, sep + 1)), 1}
end

local groupId = false
for i = 4, #KEYS do
  groupId = redis.call('GET', KEYS[i])
  if groupId then break end
end
local isNew = 0
if not groupId then
  groupId = string.format('%d', redis.call('INCR', KEYS[2]))
  isNew = 1
end
for i = 4, #KEYS do
  redis.call('SET', KEYS[i], groupId, 'NX')
end

local groupKey = ARGV[1] .. groupId
local ts = tonumber(ARGV[3])
local seen = redis.call('HMGET', groupKey, 'first_seen', 'last_seen', 'last_event_id')
if not seen[1] or ts < tonumber(seen[1]) then
  redis.call('HSET', groupKey, 'first_seen', ARGV[3])
end
local later = not seen[2]
if not later then
  local last = tonumber(seen[2])
  later = ts > last or (ts == last and ARGV[4] > (seen[3] or ''))
end
if later then
  redis.call('HSET', groupKey, 'last_seen', ARGV[3], 'last_event_id', ARGV[4],
    'title', ARGV[5], 'culprit', ARGV[6], 'level', ARGV[7])
end
redis.call('HINCRBY', groupKey, 'times_seen', 1)

redis.call('SET', KEYS[3], groupId .. ':' .. isNew, 'EX', ARGV[2])
return {groupId, isNew, 0}
`;

/**
 * KEYS[1] group id sequence, KEYS[2] group key, KEYS[3..] hash keys.
 * ARGV[1] group id, ARGV[2..] group fields as name/value pairs.
 * Overwrites the hashes and the group (the durable record is authoritative) and raises
 * the sequence to at least the group id.
 */
export const RESTORE_GROUP_LUA = `
for i = 3, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1])
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 2))
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`;
