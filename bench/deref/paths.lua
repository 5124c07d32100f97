-- wrk script for bench/deref/run.py: cycles through the request paths listed in $WRK_PATHS
-- (one per line; each thread starts at its own offset so the threads do not ask for the same
-- thing in lock step) and writes the run's figures as one JSON object to $WRK_REPORT.
-- Headers (Accept) come from wrk's -H option.

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("WRK_PATHS")) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no request paths in " .. tostring(os.getenv("WRK_PATHS")))
  end
  i = math.floor((id or 0) * #paths / 8) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = assert(io.open(os.getenv("WRK_REPORT"), "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"mean": %.1f, "stdev": %.1f, ' ..
    '"max": %d, "p50": %d, "p90": %d, "p99": %d, "p99.9": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.stdev, latency.max, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
  f:close()
end
