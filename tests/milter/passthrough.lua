-- passthrough.lua - mail with no reporting-mailbox recipient is untouched
--
-- Variables: bin, conf, port.  The filter must accept at DATA (so it sees
-- neither headers nor body) and request no change.

mt.startfilter(bin, "-f", "-c", conf)
conn = mt.connect("inet:" .. port .. "@127.0.0.1", 50, 0.1)
if conn == nil then error("cannot connect to the filter") end
mt.conninfo(conn, "mail.example.com", "192.0.2.25")
mt.helo(conn, "mail.example.com")
mt.macro(conn, SMFIC_MAIL, "i", "PASS1")
mt.mailfrom(conn, "<someone@example.com>")
-- "jubao@example.cn.evil" and "xjubao@example.cn" are not our mailbox
mt.rcptto(conn, "<xjubao@example.cn>")
mt.rcptto(conn, "<jubao@example.cn.evil>")
mt.data(conn)
if mt.getreply(conn) ~= SMFIR_ACCEPT then
	error("ordinary mail was not accepted at DATA")
end
mt.disconnect(conn)
