-- wrk script: GETs the URL as one of many signed-in people, a session token
-- per request, taken in turn (so per-person caches and locks are exercised
-- as many people would). Counts answers that are not 200.
-- wrk -s tokens.lua <url> -- <tokens-file>
local tokens = {}
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  tid = tid or 0
end

function request()
  counter = counter + 1
  local token = tokens[(tid * 7919 + counter) % #tokens + 1]
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token})
end

function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("non200 %d\n", total))
end
