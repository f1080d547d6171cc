-- The wallet's internal routes under wrk, one mode per run (the first script argument):
--   spend DIR     POST /api/internal/coins/spend, 1 coin, a new idempotency key each time
--   create DIR    POST /api/internal/coins/holds, 1 coin for an hour; the hold ids go to DIR/holds-<thread>.txt
--   capture DIR   POST /api/internal/coins/holds/{id}/capture of each hold that create wrote, once each;
--                 the thread stops when its holds are done
-- Users bench-wallet-0 .. bench-wallet-(USERS-1) in turn (USERS: the second argument, default 100).
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  mode, dir, users = args[1], args[2], tonumber(args[3] or "100")
  key = wrk.headers["Authorization"]
  sent = 0
  run = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
  if mode == "create" then
    out = io.open(dir .. "/holds-" .. id .. ".txt", "a")
    out:setvbuf("line")   -- nothing closes a thread's files when wrk ends
  elseif mode == "capture" then
    holds = {}
    for line in io.lines(dir .. "/holds-" .. id .. ".txt") do
      holds[#holds + 1] = line
    end
  end
end

local function body(fields)
  return "{" .. table.concat(fields, ", ") .. "}"
end

function request()
  sent = sent + 1
  local user = '"user_id": "bench-wallet-' .. ((sent + id * 7) % users) .. '"'
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = key }
  if mode == "spend" then
    return wrk.format("POST", "/api/internal/coins/spend", headers, body({ user, '"amount": 1',
      '"idempotency_key": "spend-' .. run .. "-" .. id .. "-" .. sent .. '"', '"reason": "bench"' }))
  elseif mode == "create" then
    return wrk.format("POST", "/api/internal/coins/holds", headers, body({ user, '"amount": 1',
      '"idempotency_key": "hold-' .. run .. "-" .. id .. "-" .. sent .. '"', '"reason": "bench"',
      '"expires_in_seconds": 3600' }))
  end
  local hold = holds[sent]
  if hold == nil then
    -- Only when the last capture's answer did not stop the thread in time: counted apart.
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/api/internal/coins/holds/" .. hold .. "/capture", headers, "{}")
end

function response(status, headers, body)
  if mode == "create" and status == 200 then
    out:write(body:match('"hold_id":"([^"]+)"') .. "\n")
  elseif mode == "capture" and sent >= #holds then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d\n", summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
