-- wrk script for benchmarks/load/creates.sh: every request is a get-or-create (POST /api/create_customer/) of a new
-- provided_id, so every request is a durable write. Ids are "<prefix>-<thread>-<n>": the prefix (WRK_PREFIX) keeps two
-- runs on one database apart, the thread number the wrk threads, and n counts the thread's requests.
-- No response() callback: run.sh-style checks on wrk's own counters (non-2xx answers, socket errors) do the rest.

local prefix = os.getenv("WRK_PREFIX") or "load"
local token = os.getenv("WRK_TOKEN")
local threads = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

local counter = 0
local headers = { ["Content-Type"] = "application/json" }
if token ~= nil and token ~= "" then
  headers["Explo-Authorization"] = "Token " .. token
end

function request()
  counter = counter + 1
  local body = '{"provided_id": "' .. prefix .. '-' .. tostring(number) .. '-' .. tostring(counter) .. '", "name": "Load ' .. tostring(counter) .. '", "properties": {"plan": "pro", "seats": 25}}'
  return wrk.format("POST", nil, headers, body)
end
