-- tempfail.lua - a store that cannot be written answers tempfail (451 4.3.0)
--
-- Variables: bin, conf, port, qid, dir.  Hand-shake with the wrapper through
-- files in dir (miltertest's output is buffered): we create mt.started and
-- mt.tempfailed; the wrapper creates mt.broken once it has broken the store
-- and mt.fixed once it has mended it.
-- Sends a report while the store is broken (must tempfail), then again after
-- it is mended (must be accepted): recovery without a restart.

function send(conn, id)
	mt.macro(conn, SMFIC_MAIL, "i", id)
	mt.mailfrom(conn, "<reporter@example.com>")
	mt.rcptto(conn, "<jubao@example.cn>")
	mt.data(conn)
	mt.header(conn, "From", "reporter@example.com")
	mt.header(conn, "Subject", "report " .. id)
	mt.header(conn, "Message-ID", "<" .. id .. "@example.com>")
	mt.eoh(conn)
	mt.bodystring(conn, "some report text about https://x.example.cn/1\r\n")
	if mt.eom(conn) ~= nil then error("eom failed") end
	return mt.getreply(conn)
end

function touch(f)
	local h = io.open(dir .. "/" .. f, "w")
	h:close()
end

function waitfile(f)
	f = dir .. "/" .. f
	for i = 1, 200 do
		local h = io.open(f, "r")
		if h ~= nil then h:close() return end
		mt.sleep(0.1)
	end
	error("timed out waiting for " .. f)
end

mt.startfilter(bin, "-f", "-c", conf)
conn = mt.connect("inet:" .. port .. "@127.0.0.1", 50, 0.1)
if conn == nil then error("cannot connect to the filter") end
mt.conninfo(conn, "mail.example.com", "192.0.2.25")
mt.helo(conn, "mail.example.com")
touch("mt.started")
waitfile("mt.broken")
r = send(conn, qid .. "A")
if r ~= SMFIR_REPLYCODE and r ~= SMFIR_TEMPFAIL then
	error("broken store: expected tempfail, got " .. tostring(r))
end
touch("mt.tempfailed")
waitfile("mt.fixed")
r = send(conn, qid .. "B")
if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
	error("mended store: expected accept, got " .. tostring(r))
end
mt.echo("CASE " .. tostring(mt.getheader(conn, "X-Jubao-Case", 0)))
mt.disconnect(conn)
