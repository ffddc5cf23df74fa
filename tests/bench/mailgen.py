"""mailgen.py - the mail benchmark's message mix and its SMTP load generator.

usage: mailgen.py make DIR [--seed N] [--reports N] [--ordinary N]
       mailgen.py send HOST:PORT DIR --count N [--sessions 20] [--seed N]
                  [--tag TAG] [--queue QUEUE_DIR] [--lat FILE] [--plain BYTES]
                  [--only report|ordinary]
       mailgen.py stats KIND FILE...

make writes message templates into DIR, once, from a fixed seed:
  r-NNN.eml  reports to jubao@example.cn: a Chinese text naming a URL and
             a category's keywords, with 0-3 attachments (PNG, JPEG, PDF) of
             20 KB-2 MB each, sizes log-uniform (most are screenshots of a
             few hundred KB; a few are large), random (incompressible) bytes
  o-NNN.eml  ordinary mail to someone@example.org: plain text, 2-20 KB
Templates hold placeholders filled in at each send, so no two messages are
alike (Message-ID, reporter address, the first 12 bytes of every
attachment): jubao never sees a retry (same Message-ID and content) and
its evidence store never finds an attachment it already has.

send delivers COUNT messages over SESSIONS parallel SMTP sessions, one
message per connection (as smtp-source does without -d): 70 % ordinary
mail and 30 % reports, drawn in a fixed order from --seed.  --plain BYTES
sends only ordinary mail with a body of BYTES bytes instead (the shape of
smtp-source -l BYTES, to check that this generator is not the bottleneck);
--only sends only reports or only ordinary mail.
With --queue it then waits until Postfix's queue directory is empty: every
message has been relayed.  It prints one JSON object: counts, t_send (first
connect to last reply), t_relayed (first connect to an empty queue), the
generator's own CPU seconds, and latency percentiles per kind; --lat
appends each message's latency (from sending DATA to the final reply to
the dot) to FILE as "KIND SECONDS" lines.

stats prints the p50 and p99 (seconds) of KIND's latencies in the FILEs.
"""
import base64
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import zlib

PH = re.compile(rb"(@@MID@@|@@SEQ@@|@@TOK16@@@@@@@@@)")
TEXTS = [
    ("举报网络诈骗网站", "有人冒充银行客服实施诈骗，诱导转账，钓鱼网站："),
    ("举报网络赌博", "该网站提供百家乐、网络赌博下注服务，网址："),
    ("举报网络谣言", "有人在网上散布谣言、编造虚假信息，链接："),
    ("举报淫秽色情内容", "该网站传播淫秽色情视频，网址："),
    ("举报网络暴力", "有人组织网暴、人肉搜索并辱骂他人，帖子："),
    ("举报侵犯个人隐私", "有人公开他人身份证号和住址，泄露个人隐私，网址："),
]
ATT_TYPES = [("image/png", "png"), ("image/jpeg", "jpg"), ("application/pdf", "pdf")]


def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def b64_lines(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def loguniform(rng, lo, hi):
    return int(round(lo * (hi / lo) ** rng.random()))


def make_report(rng, i):
    subj, lead = TEXTS[i % len(TEXTS)]
    text = ("%s\nhttps://bad-%d.example.vip/p/@@SEQ@@\n\n"
            "时间：2025年3月%d日，该内容仍可访问。请尽快处理。\n"
            "姓名：测试%d\n电话：1380013%04d\n" % (lead, i, 1 + i % 28, i, i))
    natt = rng.randint(0, 3)
    head = ("From: =?UTF-8?B?%s?= <reporter-@@SEQ@@@example.com>\n"
            "To: jubao@example.cn\n"
            "Subject: =?UTF-8?B?%s?=\n"
            "Date: Mon, 3 Mar 2025 10:00:00 +0800\n"
            "Message-ID: <@@MID@@>\n"
            "MIME-Version: 1.0\n" % (
                base64.b64encode(("测试%d" % i).encode()).decode(),
                base64.b64encode(subj.encode()).decode()))
    if natt == 0:
        return (crlf(head + "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\n" + text), 0, 0)
    bnd = "=_bench_%d" % i
    out = [crlf(head + "Content-Type: multipart/mixed; boundary=\"%s\"\n\n"
                "--%s\nContent-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 8bit\n\n%s\n" % (bnd, bnd, text))]
    total = 0
    for k in range(natt):
        size = loguniform(rng, 20 * 1024, 2 * 1024 * 1024)
        total += size
        typ, ext = ATT_TYPES[rng.randrange(len(ATT_TYPES))]
        data = rng.randbytes(size)
        enc = b64_lines(data)
        # the first 16 base64 characters (12 bytes) are made unique per send
        enc = b"@@TOK16@@@@@@@@@" + enc[16:]
        out.append(crlf("--%s\nContent-Type: %s; name=\"evidence%d.%s\"\n"
                        "Content-Disposition: attachment; filename=\"evidence%d.%s\"\n"
                        "Content-Transfer-Encoding: base64\n\n" %
                        (bnd, typ, k + 1, ext, k + 1, ext)))
        out.append(enc)
    out.append(crlf("--%s--\n" % bnd))
    return b"".join(out), natt, total


def make_ordinary(rng, i, size=None):
    if size is None:
        size = loguniform(rng, 2 * 1024, 20 * 1024)
    head = crlf("From: sender-@@SEQ@@@example.net\nTo: someone@example.org\n"
                "Subject: minutes of meeting %d\nDate: Mon, 3 Mar 2025 10:00:00 +0800\n"
                "Message-ID: <@@MID@@>\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=us-ascii\n\n" % i)
    words = ("the quick brown fox jumps over the lazy dog and then the meeting "
             "agreed on the budget for next year ").split()
    lines, n = [], 0
    while n < size:
        line = " ".join(rng.choice(words) for _ in range(12)) + "\r\n"
        lines.append(line.encode())
        n += len(line)
    body = b"".join(lines)[:size]
    if not body.endswith(b"\r\n"):
        body = body[:-2] + b"\r\n"
    return head + body


def cmd_make(argv):
    d = argv[0]
    opts = parse_opts(argv[1:], {"--seed": 6, "--reports": 48, "--ordinary": 64})
    rng = random.Random(opts["--seed"])
    os.makedirs(d, exist_ok=True)
    meta = {"reports": [], "ordinary": opts["--ordinary"]}
    for i in range(opts["--reports"]):
        data, natt, total = make_report(rng, i)
        with open(os.path.join(d, "r-%03d.eml" % i), "wb") as f:
            f.write(data)
        meta["reports"].append({"attachments": natt, "attachment_bytes": total,
                                "bytes": len(data)})
    for i in range(opts["--ordinary"]):
        with open(os.path.join(d, "o-%03d.eml" % i), "wb") as f:
            f.write(make_ordinary(rng, i))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f)
    rb = [r["bytes"] for r in meta["reports"]]
    print("made %d reports (%.0f KB mean, %d attachments) and %d ordinary "
          "messages in %s" % (len(rb), sum(rb) / len(rb) / 1024,
                              sum(r["attachments"] for r in meta["reports"]),
                              opts["--ordinary"], d))


def parse_opts(argv, defaults):
    opts = dict(defaults)
    i = 0
    while i < len(argv):
        k = argv[i]
        if k not in opts:
            sys.exit("mailgen: unknown option %s" % k)
        v = argv[i + 1]
        opts[k] = type(defaults[k])(v) if defaults[k] is not None else v
        i += 2
    return opts


class Template:
    """a message split at its placeholders"""

    def __init__(self, data, kind):
        self.kind = kind
        self.parts = PH.split(data)
        self.size = len(data)

    def fill(self, tag, seq):
        out = []
        att = 0
        for j, p in enumerate(self.parts):
            if j % 2 == 0:
                out.append(p)
            elif p == b"@@MID@@":
                out.append(b"%s.%d@bench.example.com" % (tag, seq))
            elif p == b"@@SEQ@@":
                out.append(b"%s-%d" % (tag, seq))
            else:
                tok = struct.pack(">IIHH", zlib.crc32(tag), seq, att, 0)
                out.append(base64.b64encode(tok))
                att += 1
        return b"".join(out)


def reply(f):
    """read one SMTP reply; its code and text"""
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise OSError("connection closed")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            break
    return int(lines[0][:3]), b"".join(lines)


def smtp_one(addr, mail_from, rcpt, data):
    """one SMTP session with one message; (code, latency DATA..final reply)"""
    s = socket.create_connection(addr, timeout=120)
    # no Nagle: the end of data must not wait for the server's delayed ACK
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        f = s.makefile("rb")
        c, _ = reply(f)
        if c != 220:
            return c, 0.0
        s.sendall(b"EHLO bench.example\r\n")
        c, _ = reply(f)
        s.sendall(b"MAIL FROM:<%s>\r\n" % mail_from)
        c, _ = reply(f)
        if c != 250:
            return c, 0.0
        s.sendall(b"RCPT TO:<%s>\r\n" % rcpt)
        c, _ = reply(f)
        if c != 250:
            return c, 0.0
        t0 = time.perf_counter()
        s.sendall(b"DATA\r\n")
        c, _ = reply(f)
        if c != 354:
            return c, 0.0
        s.sendall(data + b".\r\n")
        c, _ = reply(f)
        lat = time.perf_counter() - t0
        s.sendall(b"QUIT\r\n")
        try:
            reply(f)
        except OSError:
            pass
        return c, lat
    finally:
        s.close()


def queue_files(q):
    n = 0
    for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
        for _root, _dirs, files in os.walk(os.path.join(q, sub)):
            n += len(files)
    return n


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def cmd_send(argv):
    host, port = argv[0].rsplit(":", 1)
    d = argv[1]
    opts = parse_opts(argv[2:], {"--count": 100, "--sessions": 20, "--seed": 6,
                                 "--tag": "b", "--queue": "", "--lat": "",
                                 "--plain": 0, "--only": ""})
    rng = random.Random(opts["--seed"])
    tag = opts["--tag"].encode()
    if opts["--plain"]:
        plain = [Template(make_ordinary(rng, 0, opts["--plain"]), "ordinary")]
        order = [plain[0]] * opts["--count"]
    else:
        reports = [Template(open(os.path.join(d, f), "rb").read(), "report")
                   for f in sorted(os.listdir(d)) if f.startswith("r-")]
        ordinary = [Template(open(os.path.join(d, f), "rb").read(), "ordinary")
                    for f in sorted(os.listdir(d)) if f.startswith("o-")]
        share = {"": 0.3, "report": 1.0, "ordinary": 0.0}[opts["--only"]]
        order = [rng.choice(reports) if rng.random() < share else rng.choice(ordinary)
                 for _ in range(opts["--count"])]
    addr = (host, int(port))
    nxt = [0]
    lock = threading.Lock()
    lat = {"report": [], "ordinary": []}
    res = {"ok": 0, "failed": 0, "bytes": 0, "report": 0, "ordinary": 0}
    errors = []

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(order):
                return
            t = order[i]
            data = t.fill(tag, i)
            if t.kind == "report":
                frm, rcpt = b"reporter-%s-%d@example.com" % (tag, i), b"jubao@example.cn"
            else:
                frm, rcpt = b"sender-%s-%d@example.net" % (tag, i), b"someone@example.org"
            try:
                code, secs = smtp_one(addr, frm, rcpt, data)
            except OSError as e:
                code, secs = 0, 0.0
                with lock:
                    errors.append(str(e))
            with lock:
                if code == 250:
                    res["ok"] += 1
                    res[t.kind] += 1
                    res["bytes"] += len(data)
                    lat[t.kind].append(secs)
                else:
                    res["failed"] += 1
                    if len(errors) < 5:
                        errors.append("message %d: reply %d" % (i, code))

    cpu0 = os.times()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(opts["--sessions"])]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    t_send = time.perf_counter() - t0
    cpu1 = os.times()
    t_relayed = None
    if opts["--queue"]:
        deadline = time.perf_counter() + 600
        while queue_files(opts["--queue"]) > 0 and time.perf_counter() < deadline:
            time.sleep(0.01)
        t_relayed = time.perf_counter() - t0
    if opts["--lat"]:
        with open(opts["--lat"], "a") as f:
            for k, v in lat.items():
                for x in v:
                    f.write("%s %.6f\n" % (k, x))
    out = dict(res)
    out.update({"count": len(order), "sessions": opts["--sessions"],
                "t_send": round(t_send, 4),
                "t_relayed": round(t_relayed, 4) if t_relayed else None,
                "gen_cpu": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 3),
                "rate_send": round(res["ok"] / t_send, 2) if t_send else 0,
                "rate_relayed": round(res["ok"] / t_relayed, 2) if t_relayed else None,
                "errors": errors[:5]})
    for k, v in lat.items():
        out["%s_p50" % k] = round(pct(v, 50), 5)
        out["%s_p99" % k] = round(pct(v, 99), 5)
    print(json.dumps(out))
    return 0 if res["failed"] == 0 else 1


def cmd_stats(argv):
    kind = argv[0]
    v = []
    for path in argv[1:]:
        with open(path) as f:
            for line in f:
                k, x = line.split()
                if k == kind:
                    v.append(float(x))
    print("%.6f %.6f %d" % (pct(v, 50), pct(v, 99), len(v)))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        return cmd_make(argv)
    if cmd == "send":
        return cmd_send(argv)
    if cmd == "stats":
        return cmd_stats(argv)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main() or 0)
