-- Requests for wrk, chosen by the arguments after `--`:
--   fixed  METHOD PATH [BODY_FILE]           the same request every time, built once
--   import PATH PREFIX START PER_REQUEST     a batch import of PER_REQUEST numbers never sent before
-- Headers come from the environment (BENCH_API_KEY). done() prints one JSON line for the runner.

local mode, fixed_request
local import_path, import_prefix, next_index, per_request

function init(args)
  wrk.headers["X-API-KEY"] = os.getenv("BENCH_API_KEY") or "polyai-mock-dev-key"
  wrk.headers["Content-Type"] = "application/json"
  mode = args[1]
  if mode == "fixed" then
    local body = nil
    if args[4] ~= nil then
      local file = assert(io.open(args[4], "rb"))
      body = file:read("*a")
      file:close()
    end
    fixed_request = wrk.format(args[2], args[3], nil, body)
  elseif mode == "import" then
    import_path, import_prefix = args[2], args[3]
    next_index, per_request = tonumber(args[4]), tonumber(args[5])
  else
    error("unknown mode " .. tostring(mode))
  end
end

function request()
  if mode == "fixed" then
    return fixed_request
  end
  local numbers = {}
  for i = 1, per_request do
    numbers[i] = string.format('"%s%06d"', import_prefix, next_index)
    next_index = next_index + 1
  end
  local body = '{"phoneNumbers":[' .. table.concat(numbers, ",") .. '],"clientEnv":"sandbox"}'
  return wrk.format("POST", import_path, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
