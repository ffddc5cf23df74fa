#!/usr/bin/python3
"""rtptool.py - audio and RTP helpers for the hotline tests (stdlib only)

  analyze WAV                 JSON: duration, active (non-silent) seconds and
                              the tone's frequency (zero crossings)
  mkpcap WAV OUT.pcap LAW [reorder] [loss]
                              a pcap of 20 ms G.711 RTP packets (LAW: ulaw or
                              alaw) from WAV, for SIPp's play_pcap_audio;
                              reorder swaps every 5th packet with the next,
                              loss drops every 13th
  sniff OUT.jsonl PORTMIN PORTMAX
                              capture (AF_PACKET on lo, root) every UDP packet
                              whose source port is in the range, one JSON line
                              a packet, until SIGTERM
  garbage PORT                send malformed packets to 127.0.0.1:PORT (bad
                              version, CSRC count, extension and padding
                              longer than the packet, a short telephone-event,
                              an unknown payload type, random bytes)
  heard OUT.jsonl SPORT PROMPTDIR LAW
                              the prompts heard in the RTP sent from SPORT, in
                              order, one name a line ("name~" when cut short)
"""
import json
import os
import signal
import socket
import struct
import sys
import wave
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import audioop  # noqa: E402  (deprecated in 3.11, present until 3.13)


def read_pcm(path):
    w = wave.open(path, "rb")
    n = w.getnframes()
    data = w.readframes(n)
    if w.getcomptype() != "NONE":
        raise SystemExit("compressed WAV")
    if w.getsampwidth() != 2:
        data = audioop.lin2lin(data, w.getsampwidth(), 2)
    rate = w.getframerate()
    w.close()
    return rate, list(struct.unpack("<%dh" % (len(data) // 2), data))


def analyze(path):
    rate, s = read_pcm(path)
    frame = rate // 50
    active = [i for i in range(0, len(s) - frame + 1, frame)
              if sum(abs(x) for x in s[i:i + frame]) / frame > 300]
    out = {"duration": len(s) / rate, "active": len(active) * frame / rate,
           "frequency": 0.0, "first_active": None, "last_active": None}
    if active:
        # zero crossings inside the active frames only (a lost packet
        # leaves a silent hole that must not lower the estimate)
        zc = 0
        for a in active:
            seg = s[a:a + frame]
            zc += sum(1 for i in range(1, len(seg)) if (seg[i - 1] < 0) != (seg[i] < 0))
        out["frequency"] = zc / 2 / (len(active) * (frame - 1) / rate)
        out["first_active"] = active[0] / rate
        out["last_active"] = (active[-1] + frame) / rate
    print(json.dumps(out))


def mkpcap(src, dst, law, *opts):
    rate, s = read_pcm(src)
    if rate != 8000:
        raise SystemExit("need 8 kHz")
    pcm = struct.pack("<%dh" % len(s), *s)
    enc = audioop.lin2ulaw(pcm, 2) if law == "ulaw" else audioop.lin2alaw(pcm, 2)
    pt = 0 if law == "ulaw" else 8
    pkts = []
    for k, i in enumerate(range(0, len(enc) - 159, 160)):
        rtp = struct.pack(">BBHII", 0x80, pt | (0x80 if k == 0 else 0),
                          (1000 + k) & 0xffff, 4000 + 160 * k, 0x4a554241) + enc[i:i + 160]
        pkts.append((k, rtp))
    if "loss" in opts:
        pkts = [p for p in pkts if p[0] % 13 != 12]
    if "reorder" in opts:
        for j in range(3, len(pkts) - 1, 5):
            pkts[j], pkts[j + 1] = pkts[j + 1], pkts[j]
    with open(dst, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t0 = 1700000000.0
        for n, (k, rtp) in enumerate(pkts):
            udp = struct.pack(">HHHH", 6000, 6000, 8 + len(rtp), 0) + rtp
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n, 0, 64, 17, 0,
                             socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
            eth = b"\0" * 12 + b"\x08\x00" + ip + udp
            t = t0 + n * 0.02
            f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(eth), len(eth)))
            f.write(eth)


def sniff(out, pmin, pmax):
    pmin, pmax = int(pmin), int(pmax)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind(("lo", 0))
    # a line at a time: "heard" reads the file while the sniffer runs on
    f = open(out, "w", buffering=1)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s.settimeout(0.2)
    while not stop:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if len(data) < 14 + 20 + 8 or data[12:14] != b"\x08\x00":
            continue
        ip = data[14:]
        if ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
        if not pmin <= sport <= pmax:
            continue
        rtp = ip[ihl + 8:]
        if len(rtp) < 12:
            continue
        seq, ts = struct.unpack(">HI", rtp[2:8])
        f.write(json.dumps({"sport": sport, "dport": dport, "seq": seq, "ts": ts,
                            "pt": rtp[1] & 0x7f, "m": rtp[1] >> 7,
                            "payload": rtp[12:].hex()}) + "\n")
    f.close()


def garbage(port):
    port = int(port)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hdr = lambda b0, pt: struct.pack(">BBHII", b0, pt, 1, 160, 0x0badbeef)
    pkts = [b"", b"\x80", b"\x40" + b"\0" * 171,          # empty, short, version 1
            hdr(0x8f, 0) + b"\xff" * 20,                   # 15 CSRCs, 20 bytes
            hdr(0x90, 0) + b"\0\0\xff\xff" + b"\xff" * 8,  # extension of 65535 words
            hdr(0xa0, 0) + b"\xff" * 10 + b"\xfe",         # padding 254 > payload
            hdr(0xa0, 0) + b"\xff" * 10 + b"\x00",         # padding 0
            hdr(0x80, 101) + b"\x01",                       # telephone-event of 1 byte
            hdr(0x80, 101) + b"\x63\x0a\x00\xa0",           # event 99: not a key
            hdr(0x80, 33) + b"\xff" * 160,                 # payload type not negotiated
            hdr(0x80, 200) + b"\0" * 8]                    # RTCP-like
    pkts += [os.urandom(n) for n in (3, 12, 40, 172, 1500)]
    for p in pkts * 3:
        s.sendto(p, ("127.0.0.1", port))


def heard(path, sport, promptdir, law):
    sport = int(sport)
    pk = [json.loads(l) for l in open(path) if l.strip()]
    pk = [p for p in pk if p["sport"] == sport]
    # unwrap sequence numbers, sort
    last, base, seqs = None, 0, []
    for p in pk:
        if last is not None and p["seq"] < last and last - p["seq"] > 30000:
            base += 65536
        last = p["seq"]
        p["useq"] = base + p["seq"]
    pk.sort(key=lambda p: p["useq"])
    dec = audioop.ulaw2lin if law == "ulaw" else audioop.alaw2lin
    # a packet the capture missed (a busy machine) is a gap that matches
    # anything, so that one lost frame does not hide a prompt
    frames = []
    for p in pk:
        if len(p["payload"]) != 320:
            continue
        if frames and p["useq"] - prev > 1:
            frames += [None] * min(p["useq"] - prev - 1, 50)
        frames.append(struct.unpack("<160h", dec(bytes.fromhex(p["payload"]), 2)))
        prev = p["useq"]
    # in the order a call plays them: a prompt cut short that sounds like
    # the start of another ("您好" / "您的") is taken as the earlier one
    order = ["greeting", "menu", "record", "beep", "caseno", "pin", "repeat",
             "goodbye", "tooshort", "failed", "busy"]
    prompts = {}
    for fn in sorted(os.listdir(promptdir), key=lambda f: (
            order.index(f[:-4]) if f[:-4] in order else len(order), f)):
        if fn.endswith(".wav"):
            _, s = read_pcm(os.path.join(promptdir, fn))
            s += [0] * (-len(s) % 160)
            prompts[fn[:-4]] = [s[i:i + 160] for i in range(0, len(s), 160)]

    def close(a, b):
        if a is None:
            return True
        err = sum(abs(x - y) for x, y in zip(a, b))
        mag = sum(abs(y) for y in b)
        return err <= 0.08 * mag + 160 * 40

    out = []
    i = 0
    while i < len(frames):
        best = None
        for name, pf in prompts.items():
            if not close(frames[i], pf[0]):
                continue
            n = 1
            while n < len(pf) and i + n < len(frames) and close(frames[i + n], pf[n]):
                n += 1
            if best is None or n > best[1]:
                best = (name, n, len(pf))
        if best and (best[1] == best[2] or best[1] >= 10):
            out.append(best[0] + ("" if best[1] == best[2] else "~"))
            i += best[1]
        else:
            i += 1
    print("\n".join(out))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"analyze": analyze, "mkpcap": mkpcap, "sniff": sniff, "heard": heard,
     "garbage": garbage}[cmd](*args)
