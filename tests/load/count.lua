-- Shared by the load scripts (loaded with dofile): counts the answers of every wrk thread by
-- status class and by status, and done() prints two lines that run.sh reads:
--   statuses: 2xx=N 3xx=N 4xx=N 5xx=N other=N
--   codes: 200=N 401=N ...
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

c2, c3, c4, c5, cx = 0, 0, 0, 0, 0

function response(status, headers, body)
  local k = "s" .. status
  _G[k] = (_G[k] or 0) + 1
  if status >= 200 and status < 300 then c2 = c2 + 1
  elseif status >= 300 and status < 400 then c3 = c3 + 1
  elseif status >= 400 and status < 500 then c4 = c4 + 1
  elseif status >= 500 and status < 600 then c5 = c5 + 1
  else cx = cx + 1 end
end

function done(summary, latency, requests)
  local t = { c2 = 0, c3 = 0, c4 = 0, c5 = 0, cx = 0 }
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
  end
  io.write(string.format("statuses: 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d\n",
                         t.c2, t.c3, t.c4, t.c5, t.cx))
  local codes = {}
  for code = 100, 599 do
    local n = 0
    for _, th in ipairs(threads) do n = n + (th:get("s" .. code) or 0) end
    if n > 0 then table.insert(codes, code .. "=" .. n) end
  end
  io.write("codes: " .. table.concat(codes, " ") .. "\n")
end
