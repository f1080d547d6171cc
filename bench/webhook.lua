-- Each wrk thread sends its own file of distinct signed events, one event per request.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  events = {}
  for line in io.lines(args[1] .. "/events-" .. id .. ".txt") do
    local signature, body = line:match("^([^\t]*)\t(.*)$")
    events[#events + 1] = { signature, body }
  end
  next_event = 0
end

function request()
  next_event = next_event + 1
  local event = events[next_event]
  if event == nil then
    error("ran out of distinct events: generate more (EVENTS=...)")
  end
  return wrk.format("POST", "/api/payment/webhook",
    { ["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1] }, event[2])
end

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d\n", summary.requests, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
