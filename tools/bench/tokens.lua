-- wrk script: GETs the URL as one of many signed-in people, a session token
-- per request, taken in turn (so per-person caches and locks are exercised
-- as many people would). Prints "non200 N".
-- wrk -s tokens.lua <url> -- <tokens-file>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local tokens = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  tid = tid or 0
end

function request()
  counter = counter + 1
  local token = tokens[(tid * 7919 + counter) % #tokens + 1]
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token})
end
