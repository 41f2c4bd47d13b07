-- wrk script: GET the hello endpoint with a valid Bearer token (LOAD_TOKEN in the environment),
-- counting answers by status class.
dofile(os.getenv("LOAD_LUA_DIR") .. "/count.lua")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("LOAD_TOKEN")
