-- One rate-limit check, atomically: the daily cap on `write-light` (if any), then the GCRA
-- bucket, consuming from both or neither. See `script.rs` for the argument and reply layout.
--
-- Lua numbers are doubles (exact to 2^53), and Unix time in nanoseconds is about 2^61, so
-- every instant is a pair (seconds, nanoseconds) and the arithmetic works on pairs.
local function norm(s, ns)
  local carry = math.floor(ns / 1000000000)
  return s + carry, ns - carry * 1000000000
end
local function less(as, ans, bs, bns)
  return as < bs or (as == bs and ans < bns)
end
local function millis(s, ns, extra)
  local v = s * 1000 + math.ceil(ns / 1000000) + extra
  if v < 1 then v = 1 end
  return v
end

local now_s, now_ns
if ARGV[6] ~= '' then
  now_s, now_ns = tonumber(ARGV[6]), tonumber(ARGV[7])
else
  local t = redis.call('TIME')
  now_s, now_ns = tonumber(t[1]), tonumber(t[2]) * 1000
end
local int_s, int_ns = tonumber(ARGV[1]), tonumber(ARGV[2])
local cap_s, cap_ns = tonumber(ARGV[3]), tonumber(ARGV[4])
local daily_cap = tonumber(ARGV[5])
local extra_ms = tonumber(ARGV[8])

-- The bucket: its TAT is stored as decimal nanoseconds; absent or past means full.
local base_s, base_ns = now_s, now_ns
local raw = redis.call('GET', KEYS[1])
if raw then
  local n = string.len(raw)
  local s, ns = 0, tonumber(raw)
  if n > 9 then
    s, ns = tonumber(string.sub(raw, 1, n - 9)), tonumber(string.sub(raw, n - 8))
  end
  if s and ns and less(now_s, now_ns, s, ns) then
    base_s, base_ns = s, ns
  end
end
local new_s, new_ns = norm(base_s + int_s, base_ns + int_ns)
local debt_s, debt_ns = norm(new_s - now_s, new_ns - now_ns)
local fits = not less(cap_s, cap_ns, debt_s, debt_ns)
local wait_s, wait_ns = 0, 0
if not fits then
  wait_s, wait_ns = norm(debt_s - cap_s, debt_ns - cap_ns)
end
local held_s, held_ns = norm(base_s - now_s, base_ns - now_ns)

-- The daily cap, checked before the bucket: "<UTC day>:<count>"; another day's count is zero.
local used = -1
local day = math.floor(now_s / 86400)
if daily_cap > 0 then
  used = 0
  local rawd = redis.call('GET', KEYS[2])
  if rawd then
    local sep = string.find(rawd, ':', 1, true)
    if sep and tonumber(string.sub(rawd, 1, sep - 1)) == day then
      used = tonumber(string.sub(rawd, sep + 1)) or 0
    end
  end
  if used >= daily_cap then
    return {2, now_s, now_ns, held_s, held_ns, wait_s, wait_ns, used}
  end
end
if not fits then
  return {1, now_s, now_ns, held_s, held_ns, wait_s, wait_ns, used}
end

-- Admitted: take from both. Each key expires when it would carry no information again.
redis.call('SET', KEYS[1], string.format('%d%09d', new_s, new_ns),
  'PX', millis(debt_s, debt_ns, extra_ms))
if daily_cap > 0 then
  used = used + 1
  local mid_s, mid_ns = norm(86400 - now_s % 86400, -now_ns)
  redis.call('SET', KEYS[2], string.format('%d:%d', day, used),
    'PX', millis(mid_s, mid_ns, extra_ms))
end
return {0, now_s, now_ns, debt_s, debt_ns, 0, 0, used}
