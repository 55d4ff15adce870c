-- What every wrk script here shares: each thread gets a number (`tid`, for
-- spreading its requests), answers that are not 200 are counted, and the
-- total is printed at the end as "non200 N" (the bench scripts fail a run
-- that has any). A script loads it first:
--   dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("non200 %d\n", total))
end
