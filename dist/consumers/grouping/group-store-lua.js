// consumers/grouping/group-store-lua.ts
var ASSIGN_GROUP_LUA = `
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
var RESTORE_GROUP_LUA = `
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
export {
  ASSIGN_GROUP_LUA,
  RESTORE_GROUP_LUA
};
//# sourceMappingURL=group-store-lua.js.map
