-- web-lookup.lua - wrk's requests for tests/bench/bench-web.sh: POST
-- /status with the right PIN of a random case of the store
--
--   wrk -s tests/bench/web-lookup.lua URL -- PAIRS [SEED]
--
-- PAIRS is a file of "CASE PIN" lines (tests/tools/webfx pins).  Each
-- request comes from a different client as jubao-webd sees it: a random
-- X-Forwarded-For address in 10.0.0.0/8, which jubao-webd takes because
-- 127.0.0.1 is one of its trusted proxies (web_trusted_proxies' default).
-- Without it every lookup would come from 127.0.0.1 and the per-source
-- limits (lookup_source_limit lookups an hour) would refuse all but the
-- first few: this way each lookup is counted and checked against its
-- source's limits and its case number's, as under real load, and is
-- answered LOOKUP_OK (the whole path: limits, case, PIN, the attempt and
-- its event written, the answer rendered).  bench-web.sh checks the
-- answers: wrk counts a status other than 2xx or 3xx as an error.

local pairs_ = {}
local n = 0

function init(args)
	local path = args[1]
	local seed = tonumber(args[2] or "1")
	for line in io.lines(path) do
		local c, p = line:match("^(%d+) (%d+)$")
		if c then
			n = n + 1
			pairs_[n] = "case=" .. c .. "&pin=" .. p
		end
	end
	-- each thread of wrk has its own state: a seed of its own
	math.randomseed(seed + os.time() % 1000 + n + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
	local xff = string.format("10.%d.%d.%d", math.random(0, 255),
	    math.random(0, 255), math.random(1, 254))
	return wrk.format("POST", "/status", {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["X-Forwarded-For"] = xff,
	}, pairs_[math.random(1, n)])
end
