-- bench/wrk/jisr.lua — one wrk script for every Jisr load scenario, driven by environment
-- variables (scripts/bench.sh sets them):
--
--   JISR_METHOD   GET (default) or POST
--   JISR_PATHS    file with one request path per line; each request takes a random line
--                 (otherwise the path given on the wrk command line is used)
--   JISR_COOKIE   Cookie header (session cookie, or the login CSRF cookie)
--   JISR_TOKEN    API token: sent as "Authorization: Bearer ..."
--   JISR_CSRF     X-CSRF-Token header (writes with a session)
--   JISR_CTYPE    Content-Type of the body
--   JISR_BODY     request body; every "{n}" becomes a number unique to this request
--                 (thread and counter), every "{tag}" the same number in letters a-j
--   JISR_EXPECT   expected status (default 200); any other status is counted as "bad"
--   JISR_ACCEPT   Accept header (default text/html for pages)
--
-- done() prints one line a shell can parse:
--   JISR_RESULT requests=N duration_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..
--               socket_errors=N bad_status=N first_bad=STATUS

local threads = {}
local counter = 0
local bad = 0
local first_bad = 0
local paths = nil
local method = os.getenv("JISR_METHOD") or "GET"
local body = os.getenv("JISR_BODY")
local expect = tonumber(os.getenv("JISR_EXPECT") or "200")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function read_lines(file)
  local t = {}
  local f = io.open(file, "r")
  if not f then
    io.stderr:write("jisr.lua: cannot open " .. file .. "\n")
    os.exit(1)
  end
  for line in f:lines() do
    if line ~= "" then
      table.insert(t, line)
    end
  end
  f:close()
  return t
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  local file = os.getenv("JISR_PATHS")
  if file and file ~= "" then
    paths = read_lines(file)
  end
  wrk.method = method
  local h = wrk.headers
  h["Accept"] = os.getenv("JISR_ACCEPT") or "text/html"
  h["Accept-Language"] = "fr"
  local cookie = os.getenv("JISR_COOKIE")
  if cookie and cookie ~= "" then
    h["Cookie"] = cookie
  end
  local token = os.getenv("JISR_TOKEN")
  if token and token ~= "" then
    h["Authorization"] = "Bearer " .. token
  end
  local csrf = os.getenv("JISR_CSRF")
  if csrf and csrf ~= "" then
    h["X-CSRF-Token"] = csrf
  end
  local ctype = os.getenv("JISR_CTYPE")
  if ctype and ctype ~= "" then
    h["Content-Type"] = ctype
  end
end

local function letters(n)
  local s = tostring(n)
  return (s:gsub("%d", function(d)
    return string.char(97 + tonumber(d))
  end))
end

function request()
  counter = counter + 1
  local path = nil
  if paths then
    path = paths[math.random(#paths)]
  end
  local b = nil
  if body and body ~= "" then
    local n = (id or 0) * 100000000 + counter + os.time() % 100000 * 1000
    b = body:gsub("{n}", tostring(n)):gsub("{tag}", letters(n))
  end
  return wrk.format(nil, path, nil, b)
end

function response(status, headers, resp_body)
  if status ~= expect then
    bad = bad + 1
    if first_bad == 0 then
      first_bad = status
    end
  end
end

function done(summary, latency, requests)
  local total_bad, fb = 0, 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
    local f = t:get("first_bad") or 0
    if fb == 0 and f ~= 0 then
      fb = f
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    "JISR_RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f " ..
      "max_ms=%.2f socket_errors=%d bad_status=%d first_bad=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    socket_errors, total_bad, fb))
end
