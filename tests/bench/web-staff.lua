-- web-staff.lua - wrk's requests for tests/bench/bench-web.sh: GET pages of
-- the console (/staff/...) as a logged-in handler, and every answer
-- checked to be 200
--
--   wrk -s tests/bench/web-staff.lua -H "Cookie: jubao_staff=TOKEN" URL -- PATHS
--
-- PATHS is a file of request paths, one a line ("/staff/queue",
-- "/staff/case/260115022954", ...); each request GETs one picked at
-- random (a file of one line: that page every time).  The session cookie
-- comes with -H, so every request is the handler's (jubao-webd checks the
-- session of each one).
--
-- wrk counts only a status of 400 or more as an error, and a console
-- whose session has ended answers a GET with 303 to the login page: so
-- each answer's status is counted here, and done() prints
--   staff: RESPONSES responses, BAD not 200[ (first: STATUS)]
-- for bench-web.sh to check (it fails when BAD is not 0).

local paths = {}
local n = 0
local threads = {}

-- counted in each thread's own state, read by done() through thread:get
seen = 0
bad = 0
first_bad = 0

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	for line in io.lines(args[1]) do
		if line:match("^/") then
			n = n + 1
			paths[n] = line
		end
	end
	if n == 0 then
		error("web-staff.lua: no paths in " .. tostring(args[1]))
	end
	-- each thread of wrk has its own state: a seed of its own
	math.randomseed(os.time() % 1000 + n + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
	return wrk.format("GET", paths[math.random(1, n)])
end

function response(status, headers, body)
	seen = seen + 1
	if status ~= 200 then
		bad = bad + 1
		if first_bad == 0 then
			first_bad = status
		end
	end
end

function done(summary, latency, requests)
	local s, b, f = 0, 0, 0
	for _, t in ipairs(threads) do
		s = s + t:get("seen")
		b = b + t:get("bad")
		if f == 0 then
			f = t:get("first_bad")
		end
	end
	io.write(string.format("staff: %d responses, %d not 200%s\n", s, b,
	    f ~= 0 and string.format(" (first: %d)", f) or ""))
end
