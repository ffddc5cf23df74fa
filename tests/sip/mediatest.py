#!/usr/bin/env python3
"""mediatest.py - the raw-SIP and store helpers of t-media.sh (tests).

usage: mediatest.py sdp BRIDGE_PORT CALLID
           one call, then three re-INVITEs in its dialog: hold (a=sendonly),
           the same hold offer again (unchanged, its o= version too), and
           resume (a=sendrecv); then BYE.  One line a step:
             STEP STATUS SESSION VERSION DIRECTION BODYHASH RTP
           (the o= session id and version of the bridge's SDP, its a=
           direction, a hash of what follows its o= line, and the RTP
           packets the bridge sent in the 0.6 s after the answer), "-" for
           what is missing.  The bridge's SDP bodies go to stderr.
       mediatest.py probe BRIDGE_PORT OUT STOPFILE
           until STOPFILE exists (at most 120 s): OPTIONS every 100 ms, and
           a call (Call-ID probe-1@jubao.test) whose dialog gets the same
           offer again every 250 ms, one re-INVITE at a time; then BYE.
           No retransmissions.  OUT gets a JSON line a request, {"k":
           "options" or "reinvite", "t": sent (CLOCK_MONOTONIC, s), "ms":
           latency or null}, and one a packet of the bridge's RTP, {"k":
           "rtp", "t": arrival}.  nua answers OPTIONS in its own thread;
           a re-INVITE's 200 and the RTP come from the bridge's loop.
       mediatest.py lock DB READYFILE RELEASEFILE MAXSEC
           BEGIN EXCLUSIVE on the SQLite store DB, hold it until RELEASEFILE
           exists (at most MAXSEC), roll back.  READYFILE gets the monotonic
           time the lock was taken; stdout "locked=T released=T".
       mediatest.py gateway PORT OUT [silent]
           a SIP UAS on 127.0.0.1:PORT answering MESSAGE with 200 OK (an
           SMS gateway); OUT gets a JSON line a MESSAGE: {"t": monotonic,
           "call_id": ..., "body": ...}.  With "silent", a gateway that
           is down: it logs what arrives and answers nothing.  Runs until
           killed.

Plain UDP on loopback; only what the tests need of RFC 3261.  Monotonic
times only (CLOCK_MONOTONIC is one clock for all processes).
"""
import hashlib
import json
import os
import random
import re
import select
import socket
import sqlite3
import sys
import time


def hdr(msg, name):
    m = re.search(r"^%s:[ \t]*(.*?)\r?$" % re.escape(name), msg, re.M | re.I)
    return m.group(1).strip() if m else None


def body_of(msg):
    i = msg.find("\r\n\r\n")
    return msg[i + 4:] if i >= 0 else ""


def branch():
    return "z9hG4bK%08x%04x" % (random.getrandbits(32), random.getrandbits(16))


class Caller:
    """a UAC dialog over UDP on loopback"""

    def __init__(self, port, cid):
        self.port = port
        self.cid = cid
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.lport = self.s.getsockname()[1]
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.mport = self.rtp.getsockname()[1]
        self.from_ = "<sip:13900000077@127.0.0.1:%d>;tag=m%08x" % (
            self.lport, random.getrandbits(32))
        self.to = "<sip:12377@127.0.0.1:%d>" % port
        self.ruri = "sip:12377@127.0.0.1:%d" % port
        self.cseq = 0
        self.sess = random.randint(1000, 9999)

    def sdp(self, version, direction):
        return ("v=0\r\no=u %d %d IN IP4 127.0.0.1\r\ns=-\r\n"
                "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
                "a=%s\r\n" % (self.sess, version, self.mport, direction))

    def send(self, method, cseq, body=None):
        ct = "Content-Type: application/sdp\r\n" if body else ""
        body = body or ""
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
               "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sip:13900000077@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n"
               "%sContent-Length: %d\r\n\r\n%s"
               % (method, self.ruri, self.lport, branch(), self.from_, self.to,
                  self.cid, cseq, method, self.lport, ct,
                  len(body.encode()), body))
        self.s.sendto(msg.encode(), ("127.0.0.1", self.port))

    def final(self, cseq, method, timeout=5.0):
        """the final response to CSEQ METHOD, or None"""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return None
            data = self.s.recv(65536).decode(errors="replace")
            m = re.match(r"SIP/2.0 (\d+)", data)
            if not m or hdr(data, "Call-ID") != self.cid:
                continue
            if hdr(data, "CSeq") != "%d %s" % (cseq, method):
                continue
            if int(m.group(1)) >= 200:
                return int(m.group(1)), data

    def drain_rtp(self):
        while select.select([self.rtp], [], [], 0)[0]:
            self.rtp.recv(2048)

    def count_rtp(self, secs):
        n = 0
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return n
            if select.select([self.rtp], [], [], left)[0]:
                self.rtp.recv(2048)
                n += 1

    def offer(self, step, version, direction):
        """an INVITE (the first, or in the dialog) and its ACK; the line"""
        self.cseq += 1
        self.send("INVITE", self.cseq, self.sdp(version, direction))
        r = self.final(self.cseq, "INVITE")
        if r is None:
            return "%s none - - - - -" % step
        status, resp = r
        if status >= 300:
            return "%s %d - - - - -" % (step, status)
        if self.cseq == 1:
            self.to = hdr(resp, "To")
            m = re.search(r"<([^>]*)>", hdr(resp, "Contact") or "")
            if m:
                self.ruri = m.group(1)
        self.send("ACK", self.cseq)
        # the packets the bridge sent before its answer are not counted
        self.drain_rtp()
        rtp = self.count_rtp(0.6)
        b = body_of(resp).replace("\r\n", "\n")
        sys.stderr.write("--- %s: the bridge's SDP\n%s" % (step, b))
        o = re.search(r"^o=\S+ (\d+) (\d+) ", b, re.M)
        d = re.findall(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", b, re.M)
        after = b.split("\n", 2)[2] if b.startswith("v=0\no=") else b
        return "%s %d %s %s %s %s %d" % (
            step, status, o.group(1) if o else "-", o.group(2) if o else "-",
            ",".join(d) if d else "-",
            hashlib.sha256(after.encode()).hexdigest()[:16], rtp)

    def bye(self):
        self.cseq += 1
        self.send("BYE", self.cseq)
        r = self.final(self.cseq, "BYE")
        return "bye %s - - - - -" % (r[0] if r else "none")


def cmd_sdp(port, cid):
    c = Caller(port, cid)
    line = c.offer("initial", 1, "sendrecv")
    print(line, flush=True)
    if line.split()[1] != "200":
        return 1
    print(c.offer("hold", 2, "sendonly"), flush=True)
    print(c.offer("hold-again", 2, "sendonly"), flush=True)
    print(c.offer("resume", 3, "sendrecv"), flush=True)
    print(c.bye(), flush=True)
    return 0


def cmd_probe(port, out, stopfile):
    """OPTIONS every 100 ms; a call whose dialog gets a re-INVITE every
    250 ms (answered by the bridge's loop) and whose RTP is timed"""
    c = Caller(port, "probe-1@jubao.test")
    first = c.offer("probe", 1, "sendrecv")
    if first.split()[1] != "200":
        sys.stderr.write("probe call: %s\n" % first)
    sdp = c.sdp(1, "sendrecv")
    tag = "p%08x" % random.getrandbits(32)
    rows = []           # [kind, sent, latency ms or None]
    pending = {}        # (Call-ID, CSeq line) -> row
    rtp = []            # arrival times of the bridge's RTP
    start = time.monotonic()
    i = 0
    reinv = None        # the re-INVITE in flight
    last_reinv = start
    stop_at = None
    while True:
        now = time.monotonic()
        if stop_at is None and (os.path.exists(stopfile) or now - start > 120):
            stop_at = now + 1.0      # the last ones get a second to be answered
        if stop_at is not None and (now >= stop_at or not pending):
            break
        if stop_at is None and now >= start + i * 0.1:
            cid = "ping-%d-%s@jubao.test" % (i, tag)
            msg = ("OPTIONS sip:12377@127.0.0.1:%d SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
                   "From: <sip:ping@127.0.0.1:%d>;tag=%s\r\n"
                   "To: <sip:12377@127.0.0.1:%d>\r\nCall-ID: %s\r\n"
                   "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                   "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n"
                   % (port, c.lport, branch(), c.lport, tag, port, cid))
            row = ["options", time.monotonic(), None]
            c.s.sendto(msg.encode(), ("127.0.0.1", port))
            rows.append(row)
            pending[(cid, "1 OPTIONS")] = row
            i += 1
            continue
        if stop_at is None and reinv is None and now >= last_reinv + 0.25:
            c.cseq += 1
            row = ["reinvite", time.monotonic(), None]
            c.send("INVITE", c.cseq, sdp)
            rows.append(row)
            reinv = (c.cid, "%d INVITE" % c.cseq)
            pending[reinv] = row
            last_reinv = row[1]
            continue
        r, _, _ = select.select([c.s, c.rtp], [], [], 0.01)
        for x in r:
            t = time.monotonic()
            data = x.recv(65536)
            if x is c.rtp:
                rtp.append(t)
                continue
            data = data.decode(errors="replace")
            m = re.match(r"SIP/2.0 (\d+)", data)
            key = (hdr(data, "Call-ID"), hdr(data, "CSeq"))
            if not m or int(m.group(1)) < 200 or key not in pending:
                continue
            row = pending.pop(key)
            row[2] = (t - row[1]) * 1000.0
            if key == reinv:
                c.send("ACK", int(key[1].split()[0]))
                reinv = None
    c.bye()
    with open(out, "w") as f:
        for k, t, ms in rows:
            f.write(json.dumps({"k": k, "t": t, "ms": ms}) + "\n")
        for t in rtp:
            f.write(json.dumps({"k": "rtp", "t": t}) + "\n")
    return 0


def cmd_lock(db, ready, release, maxsec):
    con = sqlite3.connect(db, isolation_level=None, timeout=10)
    con.execute("BEGIN EXCLUSIVE")
    locked = time.monotonic()
    with open(ready + ".tmp", "w") as f:
        f.write("%.6f\n" % locked)
    os.rename(ready + ".tmp", ready)
    while not os.path.exists(release) and time.monotonic() - locked < maxsec:
        time.sleep(0.02)
    con.execute("ROLLBACK")
    released = time.monotonic()
    con.close()
    print("locked=%.6f released=%.6f" % (locked, released), flush=True)
    return 0


def cmd_gateway(port, out, silent=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(65536)
        t = time.monotonic()
        msg = data.decode(errors="replace")
        m = re.match(r"(\w+) \S+ SIP/2.0", msg)
        if not m:
            continue
        vias = re.findall(r"^(?:Via|v):[^\r\n]*", msg, re.M | re.I)
        to = hdr(msg, "To") or ""
        if ";tag=" not in to:
            to += ";tag=gw%08x" % random.getrandbits(32)
        if m.group(1) == "MESSAGE":
            with open(out, "a") as f:
                f.write(json.dumps({"t": t, "call_id": hdr(msg, "Call-ID"),
                                    "body": body_of(msg)},
                                   ensure_ascii=False) + "\n")
        if silent:
            continue
        resp = ("SIP/2.0 200 OK\r\n%s\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                "CSeq: %s\r\nContent-Length: 0\r\n\r\n"
                % ("\r\n".join(vias), hdr(msg, "From"), to, hdr(msg, "Call-ID"),
                   hdr(msg, "CSeq")))
        s.sendto(resp.encode(), peer)


def main(argv):
    if len(argv) == 4 and argv[1] == "sdp":
        return cmd_sdp(int(argv[2]), argv[3])
    if len(argv) == 5 and argv[1] == "probe":
        return cmd_probe(int(argv[2]), argv[3], argv[4])
    if len(argv) == 6 and argv[1] == "lock":
        return cmd_lock(argv[2], argv[3], argv[4], float(argv[5]))
    if len(argv) in (4, 5) and argv[1] == "gateway":
        return cmd_gateway(int(argv[2]), argv[3],
                           len(argv) == 5 and argv[4] == "silent")
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
