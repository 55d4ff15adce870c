-- wrk script: GETs the request paths of a file (one per line) in turn, each
-- thread from its own place, so a run mixes them. Headers given with -H
-- (a session token, say) go with every request. Counts answers that are not
-- 200.
-- wrk -s paths.lua <base url> -- <paths-file>
local paths = {}
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  tid = tid or 0
  counter = tid * 7
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end

function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("non200 %d\n", total))
end
