-- wrk script: every request is a new order (its own requestId) of one unit,
-- from one of many buyers (a session token per request, taken in turn).
-- wrk -s orders.lua <gateway>/v1/campaigns/<id>/orders -- <tokens-file>
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
  local body = string.format('{"requestId":"bench-%d-%d-%d","quantity":1}', tid, os.time(), counter)
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("bad") or 0) end
  io.write(string.format("non200 %d\n", bad))
end

function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1 end
end
