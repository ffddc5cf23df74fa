-- report.lua - a report to the reporting mailbox becomes a case
--
-- Variables (miltertest -D): bin, conf, port, qid.  Starts the real
-- jubao-milter, sends one report with a sender-supplied X-Jubao-Case, and
-- checks the filter accepts it at end of message with X-Jubao-Case added,
-- the forged one removed and Authentication-Results inserted.  Prints
-- "CASE <number>" for the wrapper, which checks the store.

mt.startfilter(bin, "-f", "-c", conf)
conn = mt.connect("inet:" .. port .. "@127.0.0.1", 50, 0.1)
if conn == nil then error("cannot connect to the filter") end

if mt.conninfo(conn, "mail.example.com", "192.0.2.25") ~= nil then
	error("conninfo failed")
end
if mt.helo(conn, "mail.example.com") ~= nil then error("helo failed") end
mt.macro(conn, SMFIC_MAIL, "i", qid)
if mt.mailfrom(conn, "<reporter@example.com>") ~= nil then error("mailfrom failed") end
if mt.rcptto(conn, "<JUBAO+web@Example.CN>") ~= nil then error("rcptto failed") end
if mt.data(conn) ~= nil then error("data failed") end
if mt.getreply(conn) == SMFIR_ACCEPT then error("a report was waved through at DATA") end

mt.header(conn, "From", "=?UTF-8?B?5byg5LiJ?= <reporter@example.com>")
mt.header(conn, "To", "jubao@example.cn")
mt.header(conn, "Subject", "=?UTF-8?B?5Li+5oql572R57uc6LWM5Y2a572R56uZ?=")
mt.header(conn, "Message-ID", "<mt-report-" .. qid .. "@example.com>")
mt.header(conn, "MIME-Version", "1.0")
mt.header(conn, "Content-Type", "text/plain; charset=utf-8")
mt.header(conn, "Content-Transfer-Encoding", "8bit")
mt.header(conn, "X-Jubao-Case", "999999999999")
-- a forged result in our name, folded and behind a comment (RFC 5322 CFWS)
mt.header(conn, "Authentication-Results", "(forged)\r\n\tmx.test.example; spf=pass smtp.mailfrom=example.com")
mt.header(conn, "Authentication-Results", "other.example; spf=pass smtp.mailfrom=example.com")
mt.eoh(conn)
mt.bodystring(conn, "有人开设网络赌博网站，提供百家乐下注：https://bet.example.vip/a\r\n")
mt.bodystring(conn, "姓名：张三\r\n电话：13812345678\r\n")
if mt.eom(conn) ~= nil then error("eom failed") end

r = mt.getreply(conn)
if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
	error("report not accepted at end of message (reply " .. tostring(r) .. ")")
end
if not mt.eom_check(conn, MT_HDRADD, "X-Jubao-Case") then
	error("no X-Jubao-Case added")
end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Jubao-Case") then
	error("the sender's X-Jubao-Case was not removed")
end
if not mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results") then
	error("the forged Authentication-Results in our name was not removed")
end
if not mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results") then
	error("no Authentication-Results inserted")
end
case = mt.getheader(conn, "X-Jubao-Case", 0)
if case == nil or not string.match(case, "^%d%d%d%d%d%d%d%d%d%d%d%d+$") then
	error("X-Jubao-Case is not a case number: " .. tostring(case))
end
mt.echo("CASE " .. case)
mt.disconnect(conn)
