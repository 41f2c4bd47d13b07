-- wrk script: POST the token endpoint with valid client credentials (from the environment:
-- LOAD_USER, LOAD_PASS; both URL-safe), counting answers by status class.
dofile(os.getenv("LOAD_LUA_DIR") .. "/count.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. os.getenv("LOAD_USER") ..
           "&client_secret=" .. os.getenv("LOAD_PASS")
