#!/bin/bash
# t-zones.sh - the online reporting zones (issue 15): jubao-webd as the
# third intake channel.  In Chromium (zones_selenium.py) a report in each
# zone with files, whose evidence hashes equal the files; an enterprise
# report without its licence, the confirmation naming it, then completed
# by a supplement on the status page with the case number and PIN; the
# fast lane's deadline; English; screenshots in
# $JUBAO_TEST_TMP/logs/t-zones.  With curl: the guide, laws and
# typical-case pages, a zone hidden by configuration, the form's token,
# the caps on files (too big, too many), a file name with a path and
# control characters, HTML in every field shown as text to handlers, the
# acknowledgement mail (the case number only), a wrong PIN on a supplement
# answered as the status page answers it, a flood from one address (kept
# and marked, then refused) with the honest reports sent meanwhile all
# kept and acknowledged, a flood into one zone, and a log without
# reporters.  Nothing here depends on the wall clock's value.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

make -s web/jubao-webd shared/jubaoctl >&2 || { fail "cannot build jubao-webd"; finish; }
dir=$(mktestdir zones)
shots="$JUBAO_TEST_TMP/logs/t-zones"
rm -rf "$shots"; mkdir -p "$shots"
port=$(free_port); sink_port=$(free_port)
base="http://127.0.0.1:$port"
sink="$dir/sink"
JB_CONF=$(jb_conf "$dir/jubao" 1 "web_listen = 127.0.0.1:$port" \
    "delivery_method = smtp" "smtp_relay = 127.0.0.1:$sink_port" \
    "web_upload_max = 256k" "web_uploads_max = 3" "web_report_limit = 12" \
    "web_flood_hour = 9" "web_zone_hour = 100" "web_stats_url = /jubao-stats.html")
log="$dir/webd.log"
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }

out=$("$JB_WEBD" -n -c "$JB_CONF" 2>&1) && pass "jubao-webd -n: the zones' configuration and templates are good" || fail "-n: $out"
jb_webd_start "$JB_CONF" "$port" "$log" || { fail "jubao-webd did not listen"; diag <"$log"; finish; }

ncases() { jb_sql "SELECT count(*) FROM cases"; }
# report CLIENT FIELD=VALUE|FIELD=@FILE... : a form to POST /report from
# CLIENT (by X-Forwarded-For: loopback is a trusted proxy), with the token
# of a fresh GET of the zone; the status code, the page in $dir/page
report() {
	local client=$1 zone=general tok a
	shift
	for a in "$@"; do case $a in zone=*) zone=${a#zone=} ;; esac; done
	rm -f "$dir/jar"
	tok=$(curl -s -c "$dir/jar" -H "X-Forwarded-For: $client" "$base/zone?z=$zone" |
	    sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p')
	a=()
	# a file is NAME=@PATH; any other value is taken as typed (a leading
	# < or @ is not curl's)
	for f in "$@"; do
		case $f in *=@*) a+=(-F "$f") ;; *) a+=(--form-string "$f") ;; esac
	done
	curl -s -o "$dir/page" -D "$dir/page.h" -w '%{http_code}' -b "$dir/jar" \
	    -H "X-Forwarded-For: $client" -F "token=$tok" "${a[@]}" "$base/report"
}
case_of() { sed -n 's/.*<dd id="case">\([0-9]*\)<.*/\1/p' "$dir/page"; }
pin_of() { sed -n 's/.*<dd id="pin">\([0-9]*\)<.*/\1/p' "$dir/page"; }
why() { sed -n 's/.*<p id="why">\([^<]*\)<.*/\1/p' "$dir/page"; }
# the SHA-256 of evidence item N of CASE, opened from the sealed store
ev_sha() { jb_ctl evidence "$1" "$2" 2>/dev/null | sha256sum | cut -d' ' -f1; }
fsha() { sha256sum "$1" | cut -d' ' -f1; }
spool_left() { ls -A "$dir/jubao/spool" | grep -c '^\.web-'; }

# --- the pages around the form ---
code=$(curl -s -o "$dir/zones.html" -D "$dir/zones.h" -w '%{http_code}' "$base/zones")
n=0; for z in cyberviolence minors enterprise privacy extortion general; do
	grep -q "id=\"zone-$z\"" "$dir/zones.html" && n=$((n + 1))
done
[ "$code" = 200 ] && [ "$n" = 6 ] && grep -q '网络暴力举报专区' "$dir/zones.html" && grep -q '涉企侵权举报专区' "$dir/zones.html" &&
	pass "GET /zones: the six zones of categories.conf, in zh-CN" || fail "zones: $code, $n zones"
grep -qiF "Content-Security-Policy: default-src 'none'; style-src 'self'; form-action 'self'" "$dir/zones.h" &&
	grep -qi '^Cache-Control: no-store' "$dir/zones.h" && ! grep -qi '<script' "$dir/zones.html" &&
	pass "the zones page: no script, nothing from elsewhere, not cached" || fail "zones headers: $(cat "$dir/zones.h")"
curl -s "$base/guide" >"$dir/guide.html"
n=0; for z in cyberviolence minors enterprise privacy extortion general; do
	grep -q "id=\"guide-$z\"" "$dir/guide.html" && n=$((n + 1))
done
[ "$n" = 6 ] && grep -q '工作规范第五条' "$dir/guide.html" && grep -q 'jubao@example.cn' "$dir/guide.html" &&
	grep -q '<a href="/jubao-stats.html" id="stats">' "$dir/guide.html" && grep -q 'id="stats"' "$dir/zones.html" &&
	pass "GET /guide: each zone's guide, the reporting mailbox, the published statistics (web_stats_url)" || fail "guide: $n"
sed -e 's|^web_stats_url = .*|web_stats_url = javascript:alert(1)|' "$JB_CONF" >"$dir/badstats.conf"
out=$("$JB_WEBD" -n -c "$dir/badstats.conf" 2>&1)
[ $? = 1 ] && echo "$out" | grep -q 'web_stats_url' && pass "-n: a web_stats_url that is not a path or http(s) is an error" || fail "-n web_stats_url: $out"
curl -s "$base/laws" >"$dir/laws.html"; curl -s "$base/laws?lang=en" >"$dir/laws-en.html"
grep -q '《中华人民共和国网络安全法》' "$dir/laws.html" && grep -q 'Cybersecurity Law' "$dir/laws-en.html" &&
	pass "GET /laws: the site's web-laws.html, in both languages" || fail "laws"
code=$(curl -s -o "$dir/typical.html" -w '%{http_code}' "$base/typical")
[ "$code" = 200 ] && grep -q 'id="typical"' "$dir/typical.html" && pass "GET /typical: the typical cases' page" || fail "typical: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/zone?z=nosuch"); code2=$(curl -s -o /dev/null -w '%{http_code}' --data x=1 "$base/zones")
code3=$(curl -s -o /dev/null -w '%{http_code}' "$base/report")
[ "$code" = 404 ] && [ "$code2" = 405 ] && [ "$code3" = 405 ] &&
	pass "an unknown zone: 404; POST to a page, GET of /report: 405" || fail "codes: $code $code2 $code3"
curl -s -D "$dir/zone.h" "$base/zone?z=enterprise" >"$dir/ent.html"
grep -qi '^Set-Cookie: jubao_form=[0-9a-f]\{32\}; HttpOnly; SameSite=Strict' "$dir/zone.h" &&
	grep -q 'enctype="multipart/form-data"' "$dir/ent.html" && grep -q 'name="licence"' "$dir/ent.html" &&
	grep -q 'name="guarantee"' "$dir/ent.html" && [ "$(grep -o '<option value="ent_' "$dir/ent.html" | wc -l)" = 6 ] &&
	pass "the enterprise form: its six kinds, licence and authorisation uploads, the guarantee; a SameSite=Strict token cookie" ||
	fail "enterprise form: $(grep -i set-cookie "$dir/zone.h")"

# --- the form's token ---
code=$(curl -s -o "$dir/page" -w '%{http_code}' -F zone=general -F "text=没有令牌的举报 诈骗网站" "$base/report")
code2=$(curl -s -o /dev/null -w '%{http_code}' -b "jubao_form=0123456789abcdef0123456789abcdef" \
    -F token=fedcba9876543210fedcba9876543210 -F zone=general -F "text=令牌不符 诈骗网站" "$base/report")
[ "$code" = 403 ] && [ "$code2" = 403 ] && [ "$(ncases)" = 0 ] && why | grep -q '表单已过期' &&
	pass "a form without its token, or with another: 403, nothing stored, the page says why" || fail "token: $code $code2 $(ncases)"

# --- a report with two files; its evidence is the files, byte for byte ---
head -c 200000 /dev/urandom >"$dir/a.bin"; head -c 150000 /dev/urandom >"$dir/b.png"
code=$(report 198.51.100.1 zone=general "subject=诈骗网站" "text=这是一个诈骗网站，冒充客服骗钱。" \
    "urls=https://scam.example/pay" "email=reporter1@example.org" "name=李四" "phone=13900001111" \
    "evidence=@$dir/a.bin;type=application/octet-stream" "evidence=@$dir/b.png;type=image/png")
c1=$(case_of); p1=$(pin_of)
[ "$code" = 200 ] && [ -n "$c1" ] && [ -n "$p1" ] && pass "a report with two files: case $c1 and its PIN on the confirmation" ||
	{ fail "report: $code $(why)"; diag <"$log"; }
[ "$(jb_sql "SELECT channel || ' ' || category FROM cases WHERE case_no = '$c1'")" = "web fraud" ] &&
	pass "channel web; the general zone's category comes from the text (fraud)" ||
	fail "case row: $(jb_sql "SELECT channel, category FROM cases WHERE case_no = '$c1'")"
[ "$(ev_sha "$c1" 1)" = "$(fsha "$dir/a.bin")" ] && [ "$(ev_sha "$c1" 2)" = "$(fsha "$dir/b.png")" ] &&
	pass "the evidence of $c1 is the two files, byte for byte (SHA-256 of the sealed copies)" || fail "evidence hashes"
[ "$(spool_left)" = 0 ] && pass "no upload left in the spool" || fail "spool: $(ls -A "$dir/jubao/spool")"
grep -q '请立即记下或截图保存' "$dir/page" && grep -q '只含案件编号，不含查询密码和举报内容' "$dir/page" &&
	pass "the confirmation says to keep the number and PIN, and what the mail will hold" || fail "confirmation text"
code=$(curl -s -o "$dir/st.html" -w '%{http_code}' --data "case=$c1&pin=$p1&lang=zh-CN" "$base/status")
[ "$code" = 200 ] && grep -q "$c1" "$dir/st.html" && grep -q 'id="supplement-form"' "$dir/st.html" &&
	pass "the case number and PIN open the status page, which offers a supplement" || fail "status: $code"
jb_sql "SELECT count(*) FROM cases c JOIN reporters r ON r.case_id = c.id WHERE c.case_no = '$c1' AND (r.address LIKE '%reporter1%' OR r.name LIKE '%李四%')" |
	grep -qx 0 && pass "the reporter's address and name are sealed at rest" || fail "reporter row in the clear"

# the acknowledgement: to the address typed, the case number only
jb_ctl deliver >/dev/null 2>&1
wait_for -t 10 eval "grep -lqs 'reporter1@example.org' $sink/*" && m=$(grep -ls 'reporter1@example.org' "$sink"/* | head -n 1)
[ -n "$m" ] && grep -q "$c1" "$m" && ! grep -q "$p1" "$m" && ! grep -q '冒充客服' "$m" && ! grep -q 'scam.example' "$m" &&
	pass "the acknowledgement mail names the case, not the PIN nor anything reported" || fail "ack mail: $m"

# --- files over their caps; a name with a path and control characters ---
head -c 300000 /dev/urandom >"$dir/big.bin"
before=$(ncases)
code=$(report 198.51.100.2 zone=general "text=文件太大 诈骗" "evidence=@$dir/big.bin")
[ "$code" = 413 ] && [ "$(ncases)" = "$before" ] && why | grep -q '每个文件不超过 256 KB' && [ "$(spool_left)" = 0 ] &&
	pass "a file over web_upload_max: 413 saying the cap, nothing stored, nothing left in the spool" || fail "too big: $code $(why)"
code=$(report 198.51.100.3 zone=general "text=文件太多 诈骗" "evidence=@$dir/b.png" "evidence=@$dir/b.png" \
    "evidence=@$dir/b.png" "evidence=@$dir/b.png")
[ "$code" = 413 ] && [ "$(ncases)" = "$before" ] && why | grep -q '最多上传 3 个文件' && [ "$(spool_left)" = 0 ] &&
	pass "more files than web_uploads_max: 413 saying the cap, nothing stored" || fail "too many: $code $(why)"
evil=$'../../etc/\e[31mred\u202eexe.txt'
code=$(report 198.51.100.4 zone=general "text=文件名 诈骗" "evidence=@$dir/b.png;filename=\"$evil\"")
c2=$(case_of)
name=$(jb_ctl show "$c2" 2>/dev/null | sed -n 's/^ *1\. *\([^ ]*\) .*/\1/p')
[ "$code" = 200 ] && [ -n "$name" ] && ! printf '%s' "$name" | grep -q '/' && ! printf '%s' "$name" | grep -q $'\e' &&
	! printf '%s' "$name" | grep -q $'\u202e' && printf '%s' "$name" | grep -qF '\x1b' &&
	[ "$(ev_sha "$c2" 1)" = "$(fsha "$dir/b.png")" ] &&
	pass "a file named $(printf '%q' "$evil"): kept as '$name' (no path, controls made visible)" || fail "file name: $code '$name'"

# --- HTML in every field: text on the confirmation and for handlers ---
x='<script>window.jubaoPwned=1</script><img src=x onerror=alert(1)>'
code=$(report 198.51.100.5 zone=enterprise category=ent_insult "subject=$x" "text=$x 侮辱企业" "urls=https://x.example/$x" \
    "accounts=$x" "name=$x" "email=boss@example.org" "evidence=@$dir/b.png")
c3=$(case_of)
[ "$code" = 200 ] && [ -n "$c3" ] && ! grep -q '<script\|<img' "$dir/page" &&
	pass "HTML in every field: the confirmation has none of it as markup" || fail "html report: $code $(why)"
echo 'zones-handler-pw' | jb_ctl user add li.h --role handler >/dev/null
jb_login "$base" "$dir/login" li.h zones-handler-pw "$dir/h.jar" >/dev/null
curl -s -b "$dir/h.jar" "$base/staff/case/$c3" >"$dir/c3.html"
grep -q '&lt;script&gt;window.jubaoPwned=1&lt;/script&gt;' "$dir/c3.html" && ! grep -q '<script\|<img' "$dir/c3.html" &&
	! grep -q 'boss@example.org' "$dir/c3.html" &&
	pass "the handler's case page shows the HTML as text, and not the reporter" || fail "console page of $c3"

# --- an enterprise report without its licence, then the supplement ---
code=$(report 198.51.100.6 zone=enterprise category=ent_rumour "text=有人造谣我公司产品有毒" \
    "urls=https://rumour.example/1" "name=王总" "email=ceo@example.com" "guarantee=1" "evidence=@$dir/b.png")
c4=$(case_of); p4=$(pin_of)
[ "$code" = 200 ] && grep -q 'data-elem="standing"' "$dir/page" && [ "$(grep -c 'data-elem=' "$dir/page")" = 1 ] &&
	[ "$(jb_sql "SELECT status || ' ' || missing FROM cases WHERE case_no = '$c4'")" = "awaiting_materials 2" ] &&
	pass "an enterprise report without its licence: accepted, awaiting materials, the confirmation names only that" ||
	fail "missing licence: $code $(jb_sql "SELECT status, missing FROM cases WHERE case_no = '$c4'")"
# a supplement with a wrong PIN: the status page's own answer, byte for byte
curl -s -o "$dir/wrong.sup" -w '%{http_code}' -F "case=$c4" -F pin=000000 -F lang=zh-CN -F "licence=@$dir/a.bin" "$base/supplement" >/dev/null
curl -s -o "$dir/wrong.st" --data "case=$c4&pin=000000&lang=zh-CN" "$base/status"
nmsg=$(jb_sql "SELECT count(*) FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.case_no = '$c4'")
cmp -s "$dir/wrong.sup" "$dir/wrong.st" && [ "$nmsg" = "$(jb_sql "SELECT count(*) FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.case_no = '$c4'")" ] &&
	[ "$(spool_left)" = 0 ] &&
	pass "a supplement with a wrong PIN: the same page as a wrong PIN on the status page, nothing added" || fail "wrong PIN supplement"
head -c 50000 /dev/urandom >"$dir/licence.pdf"
code=$(curl -s -o "$dir/page" -w '%{http_code}' -F "case=$c4" -F "pin=$p4" -F lang=zh-CN \
    -F "licence=@$dir/licence.pdf;type=application/pdf" "$base/supplement")
[ "$code" = 200 ] && grep -q 'id="complete"' "$dir/page" &&
	[ "$(jb_sql "SELECT status || ' ' || missing FROM cases WHERE case_no = '$c4'")" = "received 0" ] &&
	[ "$(ev_sha "$c4" 2)" = "$(fsha "$dir/licence.pdf")" ] &&
	pass "the licence added on the status page: the case is complete (received), the file its evidence" ||
	fail "supplement: $code $(jb_sql "SELECT status, missing FROM cases WHERE case_no = '$c4'")"

# --- refused before the body: no cookie (a 3 MB body is not read) ---
head -c 3000000 /dev/urandom >"$dir/huge.bin"
t0=$(now_us)
code=$(curl -s -o "$dir/page" -w '%{http_code}' -F zone=general --form-string "text=无令牌 诈骗" \
    -F "evidence=@$dir/huge.bin" "$base/report")
[ "$code" = 403 ] && why | grep -q '表单已过期' && [ "$(spool_left)" = 0 ] && [ -z "$(ls -A "$dir/jubao/spool")" ] &&
	pass "a report without the form's cookie: 403 from its headers, nothing of its 3 MB spooled" || fail "early 403: $code"

# --- a field whose first bytes come in a packet of their own ---
split_post() {
	/usr/bin/python3 - "$port" "$1" <<'PY'
import re, socket, sys, time, urllib.request
port, split = int(sys.argv[1]), int(sys.argv[2])
base = "http://127.0.0.1:%d" % port
req = urllib.request.Request(base + "/zone?z=general", headers={"X-Forwarded-For": "198.51.100.61"})
with urllib.request.urlopen(req) as r:
    cookie = r.headers["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="token" value="([0-9a-f]+)"', r.read()).group(1).decode()
b = "----jubaosplit"
def part(name, value):
    return ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, name, value)).encode()
head = part("token", token) + part("zone", "general") + \
    ("--%s\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" % b).encode()
rest = "分包到达的举报内容 诈骗网站 split%d\r\n--%s--\r\n" % (split, b)
rest = rest.encode()
body = head + rest
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("POST /report HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.61\r\nCookie: %s\r\n"
           "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
           % (cookie, b, len(body))).encode())
s.sendall(head + rest[:split]); time.sleep(0.3); s.sendall(rest[split:])
out = b""
while True:
    d = s.recv(65536)
    if not d: break
    out += d
    if b"</html>" in out: break
m = re.search(rb'<dd id="case">([0-9]+)<', out)
print(m.group(1).decode() if m else "none")
PY
}
sp=""; for k in 1 2 3 4; do c=$(split_post "$k"); sp="$sp $c"; 
	[ "$(jb_sql "SELECT count(*) FROM cases WHERE case_no = '$c' AND body LIKE '%分包到达的举报内容%split$k%'")" = 1 ] || sp="$sp(lost)"; done
! echo "$sp" | grep -q 'none\|lost' && pass "a text whose first 1-4 bytes arrive in a packet of their own is kept whole (cases$sp)" ||
	fail "split fields:$sp"

# --- a supplement brings the contact the report lacked ---
code=$(report 198.51.100.62 zone=enterprise category=ent_rumour "text=无联系方式的涉企举报" "urls=https://r.example/2" \
    "guarantee=1" "licence=@$dir/licence.pdf" "evidence=@$dir/b.png")
c6=$(case_of); p6=$(pin_of)
m6=$(jb_sql "SELECT missing FROM cases WHERE case_no = '$c6'")
code=$(curl -s -o "$dir/page" -w '%{http_code}' -F "case=$c6" -F "pin=$p6" -F lang=zh-CN \
    --form-string "name=赵六" --form-string "phone=13700002222" "$base/supplement")
[ "$m6" = 4 ] && [ "$code" = 200 ] && grep -q 'id="complete"' "$dir/page" &&
	jb_ctl show --reveal "$c6" 2>/dev/null | grep '^reporter:' | grep -q '赵六.*13700002222' &&
	[ "$(jb_sql "SELECT count(*) FROM reporters r JOIN cases c ON c.id = r.case_id WHERE c.case_no = '$c6' AND r.name LIKE '%赵六%'")" = 0 ] &&
	pass "a contact added by supplement: kept, sealed, and the case complete" || fail "supplement contact: missing $m6, $code"

# --- the outcome feedback to a typed address: the case number only ---
jb_ctl --actor li.h accept "$c1" >/dev/null && jb_ctl --actor li.h dispose "$c1" --measure warn --explain '已对涉事账号予以警示' >/dev/null &&
	jb_ctl --actor li.h feedback "$c1" >/dev/null
jb_ctl deliver >/dev/null 2>&1
fb=$(python3 tests/lib/mail.py find "$sink" "subject~=[JB $c1] 举报已有处理结果" | head -n 1)
[ -n "$fb" ] && python3 tests/lib/mail.py show "$fb" >"$dir/fb.txt" && grep -q "$c1" "$dir/fb.txt" &&
	! grep -q '警示\|诈骗\|scam.example' "$dir/fb.txt" &&
	pass "the outcome feedback to the typed address names the case only, not the measure nor the explanation" ||
	fail "feedback-web: $fb $(cat "$dir/fb.txt" 2>/dev/null | head -20)"

# --- the fast lane ---
code=$(report 198.51.100.7 zone=cyberviolence "text=有人在论坛人肉搜索并辱骂我" "urls=https://forum.example/t/9")
c5=$(case_of)
[ "$code" = 200 ] && grep -q 'id="fast"' "$dir/page" && grep -q 'data-secs="43200"' "$dir/page" &&
	[ "$(jb_sql "SELECT category || ' ' || (deadline - received_at) FROM cases WHERE case_no = '$c5'")" = "cyberviolence 43200" ] &&
	pass "the cyber-violence zone: the fast lane, 12 hours, on the page and in the store" || fail "fast lane: $code"

# --- a flood from one address, honest reports meanwhile ---
honest=() flood_codes=""
for i in $(seq 1 14); do
	code=$(report 203.0.113.9 zone=general "text=灌水举报 $i 诈骗网站" "email=flood$i@example.net")
	flood_codes="$flood_codes $code"
	[ "$code" = 429 ] && cp "$dir/page.h" "$dir/limited.h"
	report "198.51.100.$((100 + i))" zone=general "text=正常举报 $i 诈骗网站" "email=honest$i@example.net" >/dev/null
	honest+=("$(case_of)")
done
nf=$(jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%灌水举报%'")
nfl=$(jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%灌水举报%' AND flood = 1")
[ "$(echo $flood_codes)" = "200 200 200 200 200 200 200 200 200 200 200 200 429 429" ] && [ "$nf" = 12 ] && [ "$nfl" = 3 ] &&
	grep -qi '^Retry-After: 3600' "$dir/limited.h" &&
	pass "one address: 9 reports taken, the next 3 kept as flood, then 429 with Retry-After" ||
	fail "flood: codes$flood_codes, $nf kept, $nfl flood"
nh=$(jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%正常举报%' AND flood = 0")
[ "$nh" = 14 ] && [ "${#honest[@]}" = 14 ] && pass "the 14 honest reports sent meanwhile: all kept, none marked" || fail "honest: $nh"
jb_ctl deliver >/dev/null 2>&1
acked=0; for i in $(seq 1 14); do grep -lqs "honest$i@example.net" "$sink"/* && acked=$((acked + 1)); done
floodack=0; for i in 10 11 12; do grep -lqs "flood$i@example.net" "$sink"/* && floodack=$((floodack + 1)); done
[ "$acked" = 14 ] && [ "$floodack" = 0 ] &&
	pass "each honest report acknowledged; the flood-marked ones not (工作规范 第十八条)" || fail "acks: $acked honest, $floodack flood"

# --- a script posting at full speed does not stall the others ---
# 4 processes post from one address as fast as they can (429 after its
# limit, before anything is stored); 5 honest reports meanwhile
tok=$(curl -s -c "$dir/fast.jar" "$base/zone?z=general" | sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p')
fast_pids=()
for k in 1 2 3 4; do
	( for i in $(seq 1 60); do
		curl -s -o /dev/null -b "$dir/fast.jar" -H "X-Forwarded-For: 203.0.113.50" -F "token=$tok" \
		    -F zone=general --form-string "text=脚本灌水 $k $i 诈骗网站" "$base/report"
	  done ) &
	fast_pids+=($!)
done
slow=0 ok5=0
for i in 1 2 3 4 5; do
	t0=$(now_us)
	[ "$(report "198.51.100.$((150 + i))" zone=general "text=高峰时的正常举报 $i 诈骗网站")" = 200 ] && ok5=$((ok5 + 1))
	[ $(( $(now_us) - t0 )) -gt 5000000 ] && slow=$((slow + 1))
done
for p in "${fast_pids[@]}"; do wait "$p"; done
nscript=$(jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%脚本灌水%'")
[ "$ok5" = 5 ] && [ "$slow" = 0 ] && [ "$nscript" = 12 ] &&
	pass "240 posts at full speed from one address: 12 kept, the rest refused; 5 honest reports meanwhile each taken within 5 s" ||
	fail "full speed: $ok5 honest taken, $slow slow, $nscript of the script's kept"

# --- a zone hidden by configuration; a flood into one zone ---
awk '/^\[/ { sec = $0 } !(sec == "[privacy]" && /^zone/)' conf/categories.conf >"$dir/cats.conf"
grep -q '^zone = privacy' "$dir/cats.conf" && fail "the privacy zone still in the copy"
port2=$(free_port)
conf2=$(jb_conf "$dir/two" 1 "web_listen = 127.0.0.1:$port2" "categories_file = $dir/cats.conf" "web_zone_hour = 2" \
    "web_spool_max = 1m")
pid1=$JB_WEBD_PID; JB_WEBD_PID=
jb_webd_start "$conf2" "$port2" "$dir/webd2.log" || { fail "second jubao-webd"; diag <"$dir/webd2.log"; }
curl -s "http://127.0.0.1:$port2/zones" >"$dir/zones2.html"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port2/zone?z=privacy")
! grep -q 'zone-privacy' "$dir/zones2.html" && grep -q 'zone-extortion' "$dir/zones2.html" && [ "$code" = 404 ] &&
	pass "a zone whose lines are removed from categories.conf is gone (404), the others stay" || fail "hidden zone: $code"
base0=$base; base="http://127.0.0.1:$port2"
for i in 1 2 3; do report "198.51.100.$((200 + i))" zone=extortion "text=有人以删帖为名索要钱财 $i" >/dev/null; done
base=$base0
fz=$(JB_CONF=$conf2 jb_sql "SELECT group_concat(flood || s, '') FROM (SELECT c.flood, (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action = 'zone_surge') AS s FROM cases c ORDER BY c.id)")
[ "$fz" = 000001 ] && pass "web_zone_hour = 2: the third report into a zone in an hour, from anyone, has a zone_surge event, no flood mark" ||
	fail "zone surge (flood, surge events): $fz"

# --- web_spool_max = 1m: the bytes of reports with files received at once ---
# A (700 KB) is half sent and held; B (700 KB more) is refused with 503
# and Retry-After from its headers; C (text only) fits beside A; A is
# finished; B sent again is taken; D (1.5 MB) alone is taken though over
# the budget.  Each from its own address, with its form's cookie.
n0=$(JB_CONF=$conf2 jb_sql "SELECT count(*) FROM cases")
spool_run=$(/usr/bin/python3 - "$port2" <<'PY'
import os, re, select, socket, sys, time, urllib.request
port = int(sys.argv[1])
def form(ip):
    req = urllib.request.Request("http://127.0.0.1:%d/zone?z=general" % port,
                                 headers={"X-Forwarded-For": ip})
    with urllib.request.urlopen(req) as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
        token = re.search(rb'name="token" value="([0-9a-f]+)"', r.read()).group(1).decode()
    return cookie, token
def post(ip, words, size):
    cookie, token = form(ip)
    b = "----jubaospool"
    body = b""
    for k, v in (("token", token), ("zone", "general"), ("text", words + " 诈骗网站")):
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode()
    if size:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"shot.png\"\r\n"
                 "Content-Type: image/png\r\n\r\n" % b).encode() + os.urandom(size) + b"\r\n"
    body += ("--%s--\r\n" % b).encode()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST /report HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\nCookie: %s\r\n"
               "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
               % (ip, cookie, b, len(body))).encode())
    return s, body
def answer(s):
    s.settimeout(30)
    out = b""
    while b"</html>" not in out:
        d = s.recv(65536)
        if not d:
            break
        out += d
    s.close()
    code = out.split(b" ", 2)[1].decode() if out.startswith(b"HTTP/") else "none"
    ra = re.search(rb"\r\nRetry-After: *([0-9]+)", out, re.I)
    return code + ("/" + ra.group(1).decode() if ra else "")
a, abody = post("198.51.100.71", "预算内的大举报 A", 700 * 1024)
a.sendall(abody[:100 * 1024])
b, bbody = post("198.51.100.72", "超出预算的举报 B", 700 * 1024)
rb = answer(b)
c, cbody = post("198.51.100.73", "预算内的小举报 C", 0)
c.sendall(cbody)
rc = answer(c)
a.sendall(abody[100 * 1024:])
ra = answer(a)
def again(ip, words, size):
    """post until not 503: the server gives a report's bytes back just
    after its last byte is sent, which a client may outrun"""
    for i in range(20):
        s, body = post(ip, words, size)
        s.sendall(body)
        r = answer(s)
        if not r.startswith("503"):
            return r
        time.sleep(0.5)
    return r
rb2 = again("198.51.100.72", "超出预算的举报 B", 700 * 1024)
rd = again("198.51.100.74", "独自超出预算的举报 D", 1536 * 1024)
# one client, two reports with files held half sent: its third is
# refused, another client's is taken meanwhile, and the two then finish
def hold(ip, words, size):
    """a report half sent and held; sent again while it is answered at
    once (D's bytes not yet given back, as in again())"""
    for i in range(20):
        s, body = post(ip, words, size)
        s.sendall(body[:size // 2])
        if not select.select([s], [], [], 0.5)[0]:
            return s, body[size // 2:]
        answer(s)
        time.sleep(0.5)
    sys.exit("hold: answered at once 20 times")
held = [hold("198.51.100.81", "同一来源的第%d份举报" % k, 100 * 1024) for k in (1, 2)]
s, body = post("198.51.100.81", "同一来源的第3份举报", 100 * 1024)
r3 = answer(s)
s, body = post("198.51.100.82", "另一来源的举报", 100 * 1024)
s.sendall(body)
ro = answer(s)
rh = []
for s, rest in held:
    s.sendall(rest)
    rh.append(answer(s))
print("B=%s C=%s A=%s B2=%s D=%s third=%s other=%s held=%s" % (rb, rc, ra, rb2, rd, r3, ro, ",".join(rh)))
PY
)
n1=$(JB_CONF=$conf2 jb_sql "SELECT count(*) FROM cases")
bodies=$(JB_CONF=$conf2 jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%预算内的大举报 A%' OR body LIKE '%预算内的小举报 C%' OR body LIKE '%超出预算的举报 B%' OR body LIKE '%独自超出预算的举报 D%'")
[ "${spool_run% third=*}" = "B=503/30 C=200 A=200 B2=200 D=200" ] && [ "$bodies" = 4 ] &&
	pass "web_spool_max = 1m: a second 700 KB report while one is received is answered 503, Retry-After: 30; a text report fits beside; sent again, it is taken; a 1.5 MB one alone is taken" ||
	fail "web_spool_max: $spool_run, $bodies bodies"
same=$(JB_CONF=$conf2 jb_sql "SELECT count(*) FROM cases WHERE body LIKE '%同一来源的第%份举报%'")
[ "${spool_run#* third=}" = "503/30 other=200 held=200,200" ] && [ "$same" = 2 ] && [ $((n1 - n0)) = 7 ] &&
	pass "two reports with files from one address held half sent: its third is answered 503, another address's is taken meanwhile, and the two held are then taken (7 cases in all)" ||
	fail "reports at once from one address: $spool_run, $same of its cases, $((n1 - n0)) cases in all"
grep -q "report(s) refused with 503: web_spool_max (1048576 bytes)" "$dir/webd2.log" && [ -z "$(ls -A "$dir/two/spool" | grep '^\.web-')" ] &&
	pass "the refusal is logged; nothing is left in the spool" || fail "spool budget: log or spool: $(ls -A "$dir/two/spool")"
jb_webd_stop; JB_WEBD_PID=$pid1

# --- in Chromium: a report in each zone, the supplement, English ---
for z in general cyberviolence minors privacy extortion enterprise en; do
	head -c $((40000 + RANDOM)) /dev/urandom >"$dir/shot-$z.png"
done
head -c 30000 /dev/urandom >"$dir/licence-web.pdf"
jb_chromium "$dir/selenium.out" tests/e2e/zones_selenium.py "$base" "$shots" "$dir" "$dir/selenium.cases"
n=0; bad=""
while read -r z c p; do
	[ "$(ev_sha "$c" 1)" = "$(fsha "$dir/shot-$z.png")" ] && n=$((n + 1)) || bad="$bad $z:$c"
done <"$dir/selenium.cases"
[ "$n" = 7 ] && pass "the evidence of the 7 reports made in Chromium equals the files chosen, byte for byte" || fail "browser evidence: $n,$bad"
read -r _ ce _ < <(grep '^enterprise ' "$dir/selenium.cases")
[ -n "$ce" ] && [ "$(jb_sql "SELECT status || ' ' || missing FROM cases WHERE case_no = '$ce'")" = "received 0" ] &&
	[ "$(ev_sha "$ce" 2)" = "$(fsha "$dir/licence-web.pdf")" ] &&
	pass "the browser's enterprise case $ce: completed by the supplement, the licence its evidence" || fail "browser supplement: $ce"
read -r _ cen _ < <(grep '^en ' "$dir/selenium.cases")
[ -n "$cen" ] && [ "$(jb_sql "SELECT lang FROM cases WHERE case_no = '$cen'")" = en ] &&
	pass "the report made on the English page is an English case (its acknowledgement in English)" || fail "English case: $cen"

# --- the log ---
leak=""
for s in 李四 reporter1@example.org 13900001111 198.51.100.1 203.0.113.9 ceo@example.com 王总 "$p1" "$p4"; do
	grep -qF -- "$s" "$log" && leak="$leak $s"
done
[ -z "$leak" ] && grep -q "case $c1: web report in zone general" "$log" &&
	pass "the daemon's log names cases and zones, never a reporter, an address or a PIN" || fail "the log leaks:$leak"
[ "$(spool_left)" = 0 ] && pass "nothing left in the spool at the end" || fail "spool at the end: $(ls -A "$dir/jubao/spool")"
finish
