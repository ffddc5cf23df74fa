"""miltergen.py - a milter-protocol load generator for jubao-milter.

usage: miltergen.py HOST:PORT POOL --count N [--conc C] [--kind mix|small|ordinary]
                    [--tag TAG] [--seed N]

Speaks the MTA's side of the milter protocol (version 6, as Postfix does:
every action and protocol step offered, then only what the filter asked
for is sent, and replies are awaited only where it did not negotiate
"no reply") straight at a filter, one milter connection per message as
Postfix opens one per SMTP session, C connections in parallel.  Messages
come from the templates tests/bench/mailgen.py make wrote into POOL:
  mix       the reports (0-3 attachments of 20 KB-2 MB)
  small     the reports without attachments (text only, ~1 KB)
  ordinary  ordinary mail to someone@example.org (jubao accepts at DATA)
each made unique as mailgen.py does.  Prints one JSON object: messages
accepted ("ok": a final continue or accept), tempfailed and otherwise
answered, wall time, rate, the generator's own CPU seconds, and the p50
and p99 of each message's time from connect to the final reply.
"""
import json
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mailgen import Template, parse_opts, pct  # noqa: E402

NOCONNECT, NOHELO, NOMAIL, NORCPT = 0x1, 0x2, 0x4, 0x8
NOBODY, NOHDRS, NOEOH, NR_HDR = 0x10, 0x20, 0x40, 0x80
NODATA = 0x200
NR_CONN, NR_HELO, NR_MAIL, NR_RCPT = 0x1000, 0x2000, 0x4000, 0x8000
NR_DATA, NR_EOH, NR_BODY = 0x10000, 0x40000, 0x80000
OFFER_ACTIONS = 0x1FF
OFFER_PROTO = 0x1FFFFF
CHUNK = 65535
FINAL = b"acrtdy4f"


class Done(Exception):
    """the filter gave its verdict before end of message"""

    def __init__(self, code):
        Exception.__init__(self)
        self.code = code


class Conn:
    def __init__(self, addr):
        self.s = socket.create_connection(addr, timeout=120)
        # commands without replies go out back to back: no Nagle delay
        # waiting for the filter's delayed ACK (Postfix's commands are
        # spaced by its SMTP client's round trips instead)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")
        self.proto = 0

    def send(self, cmd, payload=b""):
        self.s.sendall(struct.pack(">I", len(payload) + 1) + cmd + payload)

    def read(self):
        h = self.f.read(4)
        if len(h) < 4:
            raise OSError("filter closed the connection")
        n = struct.unpack(">I", h)[0]
        p = self.f.read(n)
        return p[:1], p[1:]

    def step(self, cmd, payload, no, nr):
        """send a stage unless negotiated away; its reply unless "no reply" """
        if self.proto & no:
            return
        self.send(cmd, payload)
        if self.proto & nr:
            return
        c, _ = self.read()
        if c != b"c":
            raise Done(c)

    def close(self):
        try:
            self.send(b"Q")
        except OSError:
            pass
        self.s.close()


def split_message(data):
    head, _, body = data.partition(b"\r\n\r\n")
    hdrs = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and hdrs:
            hdrs[-1][1] += b"\r\n" + line
        else:
            name, _, value = line.partition(b":")
            hdrs.append([name, value.lstrip(b" ")])
    return hdrs, body


def one(addr, qid, frm, rcpt, data):
    """one connection, one message; the final reply code (a byte string)"""
    c = Conn(addr)
    try:
        c.send(b"O", struct.pack(">III", 6, OFFER_ACTIONS, OFFER_PROTO))
        cmd, p = c.read()
        if cmd != b"O":
            return b"?"
        _ver, _act, c.proto = struct.unpack(">III", p[:12])
        try:
            c.step(b"C", b"client.bench.example\x004" + struct.pack(">H", 40000) +
                   b"127.0.0.1\x00", NOCONNECT, NR_CONN)
            c.step(b"H", b"client.bench.example\x00", NOHELO, NR_HELO)
            c.send(b"D", b"Mi\x00" + qid + b"\x00")
            c.step(b"M", b"<" + frm + b">\x00", NOMAIL, NR_MAIL)
            c.step(b"R", b"<" + rcpt + b">\x00", NORCPT, NR_RCPT)
            c.step(b"T", b"", NODATA, NR_DATA)
            hdrs, body = split_message(data)
            for name, value in hdrs:
                c.step(b"L", name + b"\x00" + value + b"\x00", NOHDRS, NR_HDR)
            c.step(b"N", b"", NOEOH, NR_EOH)
            if not c.proto & NOBODY:
                for i in range(0, len(body), CHUNK):
                    c.step(b"B", body[i:i + CHUNK], NOBODY, NR_BODY)
            c.send(b"E")
            while True:
                cmd, p = c.read()
                if cmd in FINAL:
                    if cmd == b"y":
                        return b"t" if p[:1] == b"4" else b"r"
                    return cmd
        except Done as d:
            return d.code
    finally:
        c.close()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    host, port = sys.argv[1].rsplit(":", 1)
    pool = sys.argv[2]
    opts = parse_opts(sys.argv[3:], {"--count": 100, "--conc": 4, "--kind": "mix",
                                     "--tag": "m", "--seed": 6})
    rng = random.Random(opts["--seed"])
    kind = opts["--kind"]
    prefix = "o-" if kind == "ordinary" else "r-"
    tpls = [Template(open(os.path.join(pool, f), "rb").read(), kind)
            for f in sorted(os.listdir(pool)) if f.startswith(prefix)]
    if kind == "small":
        tpls = [t for t in tpls if len(t.parts) < 8 and t.size < 16384]
    if not tpls:
        sys.exit("miltergen: no %s templates in %s" % (kind, pool))
    order = [rng.choice(tpls) for _ in range(opts["--count"])]
    tag = opts["--tag"].encode()
    rcpt = b"someone@example.org" if kind == "ordinary" else b"jubao@example.cn"
    addr = (host, int(port))
    nxt = [0]
    lock = threading.Lock()
    res = {"ok": 0, "tempfail": 0, "other": 0, "bytes": 0}
    lat = []
    errors = []

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(order):
                return
            data = order[i].fill(tag, i)
            t0 = time.perf_counter()
            try:
                code = one(addr, b"Q%s%d" % (tag.upper(), i),
                           b"reporter-%s-%d@example.com" % (tag, i), rcpt, data)
            except OSError as e:
                code = b"!"
                with lock:
                    errors.append(str(e))
            secs = time.perf_counter() - t0
            with lock:
                if code in (b"c", b"a"):
                    res["ok"] += 1
                    res["bytes"] += len(data)
                    lat.append(secs)
                elif code == b"t":
                    res["tempfail"] += 1
                else:
                    res["other"] += 1
                    if len(errors) < 5:
                        errors.append("message %d: reply %r" % (i, code))

    cpu0 = os.times()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(opts["--conc"])]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    out = dict(res)
    out.update({"kind": kind, "count": len(order), "conc": opts["--conc"],
                "wall": round(wall, 4), "rate": round(res["ok"] / wall, 2),
                "gen_cpu": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 3),
                "p50": round(pct(lat, 50), 5), "p99": round(pct(lat, 99), 5),
                "errors": errors[:5]})
    print(json.dumps(out))
    return 0 if res["ok"] == len(order) else 1


if __name__ == "__main__":
    sys.exit(main())
