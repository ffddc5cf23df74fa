#!/bin/bash
# bench-zones.sh - the online reporting zones: reports by jubao-webd's form
# beside the same reports by mail through Postfix and jubao-milter, in one
# run (the issue: "form reports with a 1 MB upload, 20 concurrent clients:
# reports/s and p99 beside the same reports by mail; the web path should
# be at least as fast")
#
# usage: tests/bench/bench-zones.sh [--smoke] [--count N] [--clients C] [--rounds R] [--size BYTES]
#        (defaults: 200 reports a path and round, 20 concurrent clients,
#         3 rounds, a file of 1048576 bytes a report; --smoke: 1 round of
#         20 reports)
#
# One store, one jubao.conf (tests/lib/jubao.sh), read by both daemons:
#   web   jubao-webd on a free loopback port.  Each client: GET
#         /zone?z=general (its jubao_form cookie and the form's token, the
#         two equal), then POST /report, multipart/form-data: token, zone,
#         lang, subject, text, urls, name, email, phone and one file
#         "evidence" (streamed to spool_dir, sealed as evidence).  An
#         answer counts when it is 200 with <dd id="case"> and
#         <dd id="pin">.  Each report from an X-Forwarded-For address of
#         its own (198.18.0.0/15; loopback is in web_trusted_proxies by
#         default), as reports come from many people.
#   mail  a private Postfix (tests/lib/postfix.sh) with jubao-milter as
#         smtpd_milters, relaying to smtp-sink (tests/bench/lib.sh,
#         keeps nothing); the milter's DNS in a mount namespace whose
#         resolv.conf names 127.0.0.1, as in bench-mail.sh.  The same
#         report as a mail to jubao@example.cn: the same text, name and
#         telephone, the file as a base64 attachment; one SMTP session a
#         report (tests/bench/mailgen.py's smtp_one).
# The form's caps are off for the bench: web_flood_hour = 0 and
# web_zone_hour = 0 (0: no cap, shared/intake.c web_flood).
# web_report_limit = 100000, its largest, so that no report is refused
# (429) but each is still counted, as in production (0 would skip the
# count).
# Each report has a sender address of its own (the mail's From, the
# form's email), so each queues an acknowledgement; they go by SMTP
# straight to the sink (delivery_method = smtp), outbox_interval = 1s:
# jubao-milter's outbox sends them all (jubao-webd has none: it queues,
# the milter delivers, as on a site), woken at each mail case, else each
# second.
#
# Each round sends COUNT reports by each path in turn, the order swapped
# every round (web mail, mail web, ...), after a warm-up of each (not
# measured: Postfix forks its smtpd processes, the pages are cached).
# Between two loads, Postfix's queue is emptied (all relayed) and the
# outbox has nothing queued, so that one load's tail does not slow the
# next.  Figures, pooled over the rounds:
#   reports/s   reports answered (200 with a case; 250) over the time from
#               the first connection to the last answer (median of rounds)
#   p50, p99    a report's latency: web from the POST's first byte to the
#               end of the answer (the upload, the sealing and the commit;
#               the GET of the form before it is not counted); mail from
#               the DATA command to the 250 after the dot (the transfer,
#               the milter's parsing, sealing and commit: it commits the
#               case before Postfix answers 250)
#   ratio       web / mail of each (the goal: reports/s >= 1, p99 <= 1)
# Checks: every report answered, and every one became exactly one case,
# counted in the store by channel (web, email); each case holds the file
# (evidence.png, its size); none marked flood; no .web-* upload left in
# spool_dir (jubao-milter's emptied jubao.* spool files, kept for reuse,
# are not leftovers).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh
. tests/bench/lib.sh

smoke= count=200 clients=20 rounds=3 size=1048576 warm=20
[ -n "${SMOKE:-}" ] && set -- --smoke "$@"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 count=20 rounds=1 warm=5 ;;
	--count) count=$2; shift ;;
	--clients) clients=$2; shift ;;
	--rounds) rounds=$2; shift ;;
	--size) size=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--count N] [--clients C] [--rounds R] [--size BYTES]" >&2; exit 2 ;;
	esac
	shift
done
me="tests/bench/bench-zones.sh${smoke:+ --smoke} --count $count --clients $clients --rounds $rounds --size $size"
make -s web/jubao-webd milter/jubao-milter shared/jubaoctl >&2 ||
	{ fail "cannot build jubao-webd, jubao-milter, jubaoctl"; finish; }
for p in postfix smtp-sink unshare; do
	command -v "$p" >/dev/null || { fail "no $p"; finish; }
done

d=$(mktestdir zones)
sink_port=$(free_port)
bench_sink_start "$sink_port" "$d/sink.log" || { fail "smtp-sink did not start"; finish; }
jport=$(free_port) wport=$(free_port) pfport=$(free_port)
conf=$(jb_conf "$d/jubao" "$jport" "web_listen = 127.0.0.1:$wport" \
    "delivery_method = smtp" "smtp_relay = 127.0.0.1:$sink_port" \
    "store_busy_timeout = 30s" "outbox_interval = 1s" \
    "web_report_limit = 100000" "web_flood_hour = 0" "web_zone_hour = 0")
JB_CONF=$conf
cfgd=$(jb_ctl config 2>&1 | grep -E '^web_(report_limit|flood_hour|zone_hour|upload_max|uploads_max) ' | tr '\n' ' ')
diag "configuration: $cfgd"
spool=$d/jubao/spool

echo "nameserver 127.0.0.1" >"$d/resolv.conf"
# shellcheck disable=SC2016 # expanded by the inner sh
jb_milter_start "$conf" unshare -m sh -c \
    'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$d/resolv.conf" ||
	{ fail "jubao-milter did not start"; finish; }
jb_webd_start "$conf" "$wport" "$d/webd.log" ||
	{ fail "jubao-webd did not listen"; diag <"$d/webd.log"; finish; }
pf_start "$d/pf" "$pfport" "$sink_port" "inet:127.0.0.1:$jport" ||
	{ fail "postfix did not start"; finish; }

# the load generator: one path, COUNT reports over CLIENTS threads; one
# JSON line; each answered report's latency appended to --lat as "PATH SECONDS"
cat >"$d/zones.py" <<'EOF'
import base64, http.client, json, os, random, re, struct, sys, threading, time, zlib
sys.path.insert(0, "tests/bench")
import mailgen  # smtp_one, queue_files, pct, TEXTS

path, addr = sys.argv[1], sys.argv[2]
o = dict(zip(sys.argv[3::2], sys.argv[4::2]))
count, clients, size = int(o["--count"]), int(o["--clients"]), int(o["--size"])
tag, lat_file, queue = o["--tag"], o.get("--lat", ""), o.get("--queue", "")
host, port = addr.rsplit(":", 1)
port = int(port)
# one random (incompressible) file, its first 12 bytes made unique per
# report (as mailgen.py does): no two files alike, none compressible
base = random.Random(6).randbytes(size)
b64 = base64.encodebytes(base).replace(b"\n", b"\r\n")


def token(i):
    return struct.pack(">IIHH", zlib.crc32(tag.encode()), i, 0, 0)


def fields(i):
    subj, lead = mailgen.TEXTS[i % len(mailgen.TEXTS)]
    url = "https://bad-%s-%d.example.vip/p/%d" % (tag, i, i)
    text = "%s\n%s\n\n时间：2025年3月%d日，该内容仍可访问。请尽快处理。\n" % (lead, url, 1 + i % 28)
    return {"subject": subj, "text": text, "urls": url, "name": "测试%d" % i,
            "email": "reporter-%s-%d@example.com" % (tag, i),
            "phone": "1380013%04d" % (i % 10000)}


def web_one(i):
    f = fields(i)
    n = (zlib.crc32(tag.encode()) * 7919 + i) % 131072
    xff = {"X-Forwarded-For": "198.%d.%d.%d" % (18 + (n >> 16), (n >> 8) & 255, n & 255)}
    c = http.client.HTTPConnection(host, port, timeout=300)
    try:
        c.request("GET", "/zone?z=general", headers=xff)
        r = c.getresponse()
        page = r.read()
        cookie = None
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("jubao_form="):
                cookie = v.split(";")[0].split("=", 1)[1]
        m = re.search(rb'name="token" value="([0-9a-f]{32})"', page)
        if r.status != 200 or cookie is None or m is None or m.group(1).decode() != cookie:
            return "form %d" % r.status, 0.0, None
        bnd = "----zones%08x" % random.getrandbits(32)
        parts = []
        for k, v in [("token", cookie), ("zone", "general"), ("lang", "zh-CN")] + list(f.items()):
            parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                          % (bnd, k, v)).encode())
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"evidence\"; "
                      "filename=\"evidence.png\"\r\nContent-Type: image/png\r\n\r\n" % bnd).encode())
        parts += [token(i), base[12:], ("\r\n--%s--\r\n" % bnd).encode()]
        body = b"".join(parts)
        hdrs = dict(xff)
        hdrs.update({"Content-Type": "multipart/form-data; boundary=" + bnd,
                     "Cookie": "jubao_form=" + cookie})
        t0 = time.perf_counter()
        c.request("POST", "/report", body=body, headers=hdrs)
        r = c.getresponse()
        page = r.read()
        secs = time.perf_counter() - t0
        case = re.search(rb'<dd id="case">([^<]+)</dd>', page)
        if r.status != 200 or case is None or b'<dd id="pin">' not in page:
            return r.status, secs, None
        return 200, secs, case.group(1).decode()
    finally:
        c.close()


def mail_one(i):
    f = fields(i)
    bnd = "=_zones_%d" % i
    head = ("From: =?UTF-8?B?%s?= <%s>\nTo: jubao@example.cn\nSubject: =?UTF-8?B?%s?=\n"
            "Date: %s\nMessage-ID: <%s.%d@bench.example.com>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"%s\"\n\n"
            "--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            "%s\n姓名：%s\n电话：%s\n\n"
            "--%s\nContent-Type: image/png; name=\"evidence.png\"\n"
            "Content-Disposition: attachment; filename=\"evidence.png\"\n"
            "Content-Transfer-Encoding: base64\n\n" % (
                base64.b64encode(f["name"].encode()).decode(), f["email"],
                base64.b64encode(f["subject"].encode()).decode(),
                time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()), tag, i,
                bnd, bnd, f["text"], f["name"], f["phone"], bnd))
    data = b"".join([mailgen.crlf(head), base64.b64encode(token(i)), b64[16:],
                     mailgen.crlf("--%s--\n" % bnd)])
    code, secs = mailgen.smtp_one((host, port), f["email"].encode(), b"jubao@example.cn", data)
    return code, secs, None


one = web_one if path == "web" else mail_one
nxt, lock = [0], threading.Lock()
lat, cases, codes, errors = [], set(), {}, []


def worker():
    while True:
        with lock:
            i = nxt[0]
            nxt[0] += 1
        if i >= count:
            return
        try:
            code, secs, case = one(i)
        except (OSError, http.client.HTTPException) as e:
            code, secs, case = "error", 0.0, None
            with lock:
                errors.append("report %d: %s" % (i, e))
        with lock:
            codes[str(code)] = codes.get(str(code), 0) + 1
            if code in (200, 250):
                lat.append(secs)
                if case is not None:
                    cases.add(case)
            elif len(errors) < 5:
                errors.append("report %d: answer %s" % (i, code))


t0 = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(clients)]
for th in threads:
    th.start()
for th in threads:
    th.join()
t_send = time.perf_counter() - t0
t_relayed = None
if queue:
    deadline = time.perf_counter() + 600
    while mailgen.queue_files(queue) > 0 and time.perf_counter() < deadline:
        time.sleep(0.05)
    t_relayed = time.perf_counter() - t0
if lat_file:
    with open(lat_file, "a") as f:
        for x in lat:
            f.write("%s %.6f\n" % (path, x))
print(json.dumps({"path": path, "count": count, "ok": len(lat), "failed": count - len(lat),
                  "codes": codes, "cases": len(cases), "t_send": round(t_send, 4),
                  "t_relayed": round(t_relayed, 4) if t_relayed else None,
                  "rate": round(len(lat) / t_send, 3) if t_send else 0,
                  "p50_ms": round(mailgen.pct(lat, 50) * 1000, 1),
                  "p99_ms": round(mailgen.pct(lat, 99) * 1000, 1), "errors": errors[:5]}))
EOF

# drained - nothing of the last load left: Postfix's queue empty, no
# acknowledgement queued
drained() {
	pf_queue_empty "$d/pf" && [ "$(jb_sql "SELECT count(*) FROM outbox WHERE status = 'queued'")" = 0 ]
}

declare -A target=([web]="127.0.0.1:$wport" [mail]="127.0.0.1:$pfport")
declare -A channel=([web]=web [mail]=email)
# load - load PATH COUNT TAG [LAT-FILE]: one load, its JSON on stdout; then
# wait until it is drained
load() {
	local q=()
	[ "$1" = mail ] && q=(--queue "$d/pf/queue")
	"$BENCH_PY" "$d/zones.py" "$1" "${target[$1]}" --count "$2" --clients "$clients" \
	    --size "$size" --tag "$3" ${4:+--lat "$4"} "${q[@]}"
	wait_for -t 120 drained || diag "$1 $3: the queue or the outbox is not empty 120 s after the load"
}

# warm-up: not measured, but its reports are cases too
for p in web mail; do
	out=$(load "$p" "$warm" "w$p")
	diag "warm-up $p: $out"
done

# the rounds, the order swapped each round: "PATH ROUND BUSY DAEMON-CPU JSON" lines in $d/rounds
order=(web mail)
for ((r = 1; r <= rounds; r++)); do
	for ((k = 0; k < 2; k++)); do
		p=${order[(r - 1 + k) % 2]}
		[ "$p" = web ] && dpid=$JB_WEBD_PID || dpid=$JB_MILTER_PID
		b0=$(machine_busy) c0=$(proc_cpu "$dpid")
		out=$(load "$p" "$count" "$p$r" "$d/lat-$p")
		b1=$(machine_busy) c1=$(proc_cpu "$dpid")
		printf '%s %s %s %s %s\n' "$p" "$r" "$(calc "$b1 - $b0")" "$(calc "$c1 - $c0")" "$out" >>"$d/rounds"
		diag "round $r $p: $out"
	done
done

# the checks: every report answered, and one case each, counted by channel
leftover=$(find "$spool" -maxdepth 1 -name '.web-*' | wc -l)
spooled=$(find "$spool" -type f | wc -l)
for p in web mail; do
	ch=${channel[$p]}
	want=$((warm + rounds * count))
	ok=$(awk -v p="$p" '$1 == p { sub(/^[^{]*/, ""); print }' "$d/rounds" |
	    "$BENCH_PY" -c 'import json, sys; print(sum(json.loads(l)["ok"] for l in sys.stdin))')
	[ "$ok" = $((rounds * count)) ] &&
		pass "$p: all $ok reports of the rounds answered (web: 200 with a case number and a PIN; mail: 250)" ||
		fail "$p: $ok of $((rounds * count)) reports of the rounds answered"
	n=$(jb_sql "SELECT count(*) FROM cases WHERE channel = '$ch'")
	[ "$n" = "$want" ] && pass "$p: $n cases of channel '$ch' for $want reports (warm-up included): none lost, none twice" ||
		fail "$p: $n cases of channel '$ch' for $want reports (warm-up included)"
	n=$(jb_sql "SELECT count(DISTINCT c.id) FROM cases c JOIN evidence e ON e.case_id = c.id
	    WHERE c.channel = '$ch' AND e.size = $size AND e.name = 'evidence.png'")
	[ "$n" = "$want" ] && pass "$p: each of its $n cases holds the $size-byte file as evidence" ||
		fail "$p: $n of $want cases hold the $size-byte file as evidence"
done
n=$(jb_sql "SELECT count(*) FROM cases WHERE flood != 0")
[ "$n" = 0 ] && pass "no case marked flood (web_flood_hour and web_zone_hour off, each mail from its own sender)" ||
	fail "$n cases marked flood"
n=$(jb_sql "SELECT count(*) FROM (SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1) x")
[ "$n" = 0 ] && pass "no report is stored twice" || fail "$n reports stored twice"
[ "$leftover" = 0 ] && pass "no .web-* upload left in spool_dir ($spooled files in it in all)" ||
	fail "$leftover .web-* uploads left in spool_dir ($spooled files in it in all)"
n=$(grep -ciE 'error|warn|fatal' "$d/webd.log")
[ "$n" = 0 ] || diag "jubao-webd logged $n errors or warnings: $(grep -iE 'error|warn|fatal' "$d/webd.log" | sort | uniq -c | sort -rn | head -5)"

# measured: the daemons begin to stop while the figures are computed (the
# exit actions wait for each by PID)
kill -TERM "$JB_WEBD_PID" "$JB_MILTER_PID" 2>/dev/null
postfix -c "$d/pf/etc" stop >/dev/null 2>&1 &

"$BENCH_PY" - "$d" "$me" "$count" "$clients" "$rounds" "$size" <<'EOF'
import json, statistics, sys
sys.path.insert(0, "tests/bench")
import mailgen
d, me, count, clients, rounds, size = sys.argv[1:]
rows = {}
for line in open(d + "/rounds"):
    p, r, busy, dcpu, js = line.split(" ", 4)
    j = json.loads(js)
    j.update(busy=float(busy), dcpu=float(dcpu))
    rows.setdefault(p, []).append(j)
lat = {}
for p in ("web", "mail"):
    v = [float(l.split()[1]) for l in open("%s/lat-%s" % (d, p))]
    lat[p] = (mailgen.pct(v, 50) * 1000, mailgen.pct(v, 99) * 1000, len(v))
how = {"web": "each round: %s reports from %s clients, GET /zone?z=general then POST /report, "
              "multipart with one %s-byte file" % (count, clients, size),
       "mail": "each round: %s reports from %s SMTP clients through Postfix and jubao-milter, "
               "one %s-byte attachment" % (count, clients, size)}
span = {"web": "POST to the end of the answer", "mail": "DATA to the 250"}
def fig(name, value, unit, h):
    print("FIGURE\t%s\t%s\t%s\t%s (%s)" % (name, value, unit, me, h))
rate = {p: statistics.median(x["rate"] for x in rows[p]) for p in rows}
for p in ("web", "mail"):
    fig("zones.%s.reports_per_s" % p, round(rate[p], 2), "reports/s",
        how[p] + "; answered / first connection to last answer, median of %s rounds" % rounds)
    for q, k in (("p50", 0), ("p99", 1)):
        fig("zones.%s.%s" % (p, q), round(lat[p][k], 1), "ms",
            how[p] + "; %s, %d reports pooled" % (span[p], lat[p][2]))
fig("zones.ratio.web_vs_mail.reports_per_s", round(rate["web"] / rate["mail"], 3), "x",
    "web / mail reports/s; goal >= 1")
fig("zones.ratio.web_vs_mail.p99", round(lat["web"][1] / lat["mail"][1], 3), "x",
    "web / mail p99; goal <= 1")
for p in ("web", "mail"):
    ms = statistics.median(x["busy"] / max(1, x["ok"]) * 1000 for x in rows[p])
    fig("zones.%s.machine_cpu_per_report" % p, round(ms, 1), "ms",
        "CPU time of all cores over a load (the client, the daemons, Postfix, other work "
        "on the machine) / reports, median of %s rounds" % rounds)
fig("zones.web.webd_cpu_per_report", round(sum(x["dcpu"] for x in rows["web"]) * 1000 /
    max(1, sum(x["ok"] for x in rows["web"])), 1), "ms",
    "jubao-webd utime+stime over the web loads / reports")
fig("zones.mail.milter_cpu_per_report", round(sum(x["dcpu"] for x in rows["mail"]) * 1000 /
    max(1, sum(x["ok"] for x in rows["mail"])), 1), "ms",
    "jubao-milter utime+stime over the mail loads / reports; Postfix not counted")
met = rate["web"] >= rate["mail"] and lat["web"][1] <= lat["mail"][1]
print("# verdict: web %.2f reports/s, p99 %.1f ms; mail %.2f reports/s, p99 %.1f ms: %s" % (
    rate["web"], lat["web"][1], rate["mail"], lat["mail"][1],
    "the web path is at least as fast (goal met)" if met else "the web path is slower (goal not met)"),
    file=sys.stderr)
EOF
finish
