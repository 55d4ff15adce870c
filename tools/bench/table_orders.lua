-- wrk script: phones ordering at a landing node's table. Every request is a
-- new order (its own requestId) of two dishes at one table, with the
-- table's token. Prints "non200 N".
-- wrk -s table_orders.lua <node>/v1/tables/<table>/orders -- <token> [pause ms]
-- With a pause, each connection waits that long after an answer before its
-- next order: the connections order in bursts, together, as phones at their
-- tables would, instead of as fast as the node answers.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local token = ""
local pause = 0
local counter = 0

function init(args)
  token = args[1]
  pause = tonumber(args[2] or "0")
  tid = tid or 0
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"requestId":"bench-%d-%d-%d","items":[{"menuItemId":"tea","quantity":2},' ..
    '{"menuItemId":"noodles","quantity":1}],"token":"%s"}', tid, os.time(), counter, token)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function delay()
  return pause
end
