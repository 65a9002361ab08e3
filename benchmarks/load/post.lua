-- wrk script for benchmarks/load/run.sh: every request is the same POST with a JSON body and the Explo token.
-- The body and the token come from the environment (WRK_BODY, WRK_TOKEN) so one script serves both endpoints;
-- the path is in wrk's URL argument. The baseline endpoint ignores the headers and the body, but receiving the
-- same request bytes keeps Kestrel's parsing cost equal on both sides.
--
-- No response() callback on purpose: defining one makes wrk parse every response body in Lua, which would
-- load the client, not the server. wrk itself counts non-2xx/3xx answers; run.sh fails if there are any.

local body = os.getenv("WRK_BODY")
if body == nil or body == "" then
  error("post.lua: set WRK_BODY to the JSON request body")
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

local token = os.getenv("WRK_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Explo-Authorization"] = "Token " .. token
end
