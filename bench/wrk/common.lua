-- Shared by every scenario: random paths from a file, varied user agents, optional cookies,
-- and a done() that prints one JSON line the runner parses.
-- Environment: BENCH_PATHS (one path a line), BENCH_COOKIES (one Cookie header a line,
-- optional), BENCH_EXPECT (the status every answer must have, e.g. 200 or 302).
local paths, cookies = {}, {}
local expect = tonumber(os.getenv("BENCH_EXPECT") or "0")
local unexpected = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0",
  "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36 [LinkedInApp]",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/520.0.0.40.104]",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15",
}

local function lines(name)
  local out = {}
  if name == nil or name == "" then return out end
  for line in io.lines(name) do if line ~= "" then table.insert(out, line) end end
  return out
end

function init(args)
  paths = lines(os.getenv("BENCH_PATHS"))
  cookies = lines(os.getenv("BENCH_COOKIES"))
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  -- a build number per request: many different people (as behind one office NAT)
  local agent = agents[math.random(#agents)] .. string.format(" Build/%d.%d",
    math.random(100000), math.random(100000))
  local headers = { ["User-Agent"] = agent }
  if #cookies > 0 then headers["Cookie"] = cookies[math.random(#cookies)] end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function response(status, headers, body)
  if expect > 0 and status ~= expect then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + (thread:get("unexpected") or 0) end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "unexpected": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    wrong, latency:percentile(50), latency:percentile(99)))
end
