-- wrk script: malformed requests in rotation (bad form encoding, huge fields and headers,
-- invalid UTF-8 raw and percent-encoded, NULs, duplicate and missing parameters, wrong content
-- types, broken Bearer headers, wrong methods). Every one must get a 4xx; run.sh fails on any
-- 2xx, 3xx or 5xx. LOAD_PREFIX is the API prefix (/apiops).
dofile(os.getenv("LOAD_LUA_DIR") .. "/count.lua")

local prefix = os.getenv("LOAD_PREFIX") or "/apiops"
local tok = prefix .. "/auth/token"
local hello = prefix .. "/test/hello/load"
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local big = string.rep("a", 256 * 1024)
local gc = "grant_type=client_credentials"

local function post(body, headers) return wrk.format("POST", tok, headers or form, body) end
local function get(path, auth)
  return wrk.format("GET", path, auth and { ["Authorization"] = auth } or {})
end

local requests = {
  post(gc .. "&client_id=%ZZ&client_secret=x"),                 -- not a hex escape
  post(gc .. "&client_id=abc%&client_secret=x"),                -- a trailing %
  post(gc .. "&client_id=%4&client_secret=x"),                  -- a short escape
  post(gc .. "&client_id=" .. big .. "&client_secret=x"),       -- a 256 KiB field
  post(gc .. "&client_id=load&client_secret=" .. big),          -- a 256 KiB secret
  post(gc .. "&" .. big .. "=x&client_id=load&client_secret=x"),-- a 256 KiB parameter name
  post(gc .. "&client_id=%FF%FE&client_secret=%C3%28"),         -- invalid UTF-8, encoded
  post(gc .. "&client_id=\255\254load&client_secret=\192\128"), -- invalid UTF-8, raw
  post(gc .. "&client_id=%ED%A0%80&client_secret=x"),           -- a UTF-16 surrogate
  post(gc .. "&client_id=lo%00ad&client_secret=x"),             -- an encoded NUL
  post(gc .. "&client_id=lo\0ad&client_secret=x"),              -- a raw NUL
  post(gc .. "&grant_type=password&client_id=load&client_secret=x"), -- a duplicate parameter
  post("grant_type=password&client_id=load&client_secret=x"),   -- an unsupported grant
  post("client_id=load&client_secret=x"),                       -- no grant_type
  post("&&&==&=&%"),                                            -- no parameters at all
  post(""),                                                     -- an empty body
  post('{"grant_type":"client_credentials",', { ["Content-Type"] = "application/json" }),
  post(gc, { ["Content-Type"] = "application/x-www-form-urlencoded; charset=\255\254" }),
  post(gc, { ["Content-Type"] = "multipart/form-data; boundary=" .. string.rep("-", 4000) }),
  post(gc .. "&client_id=load&client_secret=x",
       { ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Pad"] = string.rep("b", 16 * 1024) }),
  post(gc, { ["Content-Type"] = "application/x-www-form-urlencoded",
             ["Authorization"] = "Basic " .. string.rep("%", 8000) }),
  post(gc, { ["Content-Type"] = "application/x-www-form-urlencoded",
             ["Authorization"] = "Basic \255\254\253" }),
  get(hello, "Bearer a.b.c"),
  get(hello, "Bearer \255\254.\192\128.x"),
  get(hello, "Bearer " .. string.rep("A", 16 * 1024)),
  get(hello, "Bearer " .. string.rep("e30.", 2000)),
  get(hello, "Bearer"),
  get(hello, "Basic Zm9vOmJhcg=="),
  get(hello),
  get(prefix .. "/test/hello/%FF%FE%00", "Bearer x"),
  get(prefix .. "/projects/", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
  get(tok),                                                     -- the wrong method
  get(prefix .. "/%zz/../" .. string.rep("x", 4000)),           -- no such resource
}

local i = 0
function request()
  i = i % #requests + 1
  return requests[i]
end
