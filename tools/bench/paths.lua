-- wrk script: GETs the request paths of a file (one per line) in turn, each
-- thread from its own place, so a run mixes them. Headers given with -H
-- (a session token, say) go with every request. Prints "non200 N".
-- wrk -s paths.lua <base url> -- <paths-file>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local paths = {}
local counter = 0

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
