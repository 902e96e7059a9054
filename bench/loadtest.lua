-- wrk script for bench/loadtest.sh: requests the URLs in $LOADTEST_URLS round-robin
-- (each thread starting at its own offset) with a reader's session cookie, counts
-- responses that are not 2xx, and prints one summary line for the shell script.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  urls = {}
  for line in io.lines(os.getenv("LOADTEST_URLS")) do
    if line ~= "" then urls[#urls + 1] = line end
  end
  position = offset * math.floor(#urls / 2)
  non_2xx = 0
  cookie = os.getenv("LOADTEST_COOKIE")
end

function request()
  position = position % #urls + 1
  return wrk.format("GET", urls[position], { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local non_2xx_total = 0
  for _, thread in ipairs(threads) do
    non_2xx_total = non_2xx_total + thread:get("non_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "LOADTEST requests=%d seconds=%.2f p50_ms=%.1f p99_ms=%.1f non_2xx=%d "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non_2xx_total,
    errors.connect, errors.read, errors.write, errors.timeout))
end
