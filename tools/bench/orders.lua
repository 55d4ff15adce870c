-- wrk script: every request is a new order (its own requestId) of one unit,
-- from one of many buyers (a session token per request, taken in turn).
-- Prints "non200 N".
-- wrk -s orders.lua <gateway>/v1/campaigns/<id>/orders -- <tokens-file>
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
  local body = string.format('{"requestId":"bench-%d-%d-%d","quantity":1}', tid, os.time(), counter)
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/json"}, body)
end
