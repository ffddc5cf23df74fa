#!/usr/bin/env python3
"""mkseeds.py - write the hand-made fuzz seeds (SDP, RTP, DTMF, case numbers).

usage: python3 tests/fuzz/seeds/mkseeds.py   (rewrites tests/fuzz/seeds/*/)

Deterministic.  The message, configuration and template targets are seeded
from tests/data/mail, conf/ and conf/templates directly (tests/fuzz/run.sh).
Formats: see the comments of tests/fuzz/fuzz_rtp.c and fuzz_dtmf.c.
"""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(sub, name, data):
    d = os.path.join(here, sub)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def sdp(media, conn="c=IN IP4 127.0.0.1\r\n", extra=""):
    return ("v=0\r\no=u 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" + conn +
            "t=0 0\r\n" + media + extra)


put("sdp", "pcmu-te", sdp("m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                          "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"))
put("sdp", "pcma", sdp("m=audio 40002 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendonly\r\n"))
put("sdp", "static-pt", sdp("m=audio 40002 RTP/AVP 0 8 18\r\n"))
put("sdp", "media-conn", sdp("m=audio 40002 RTP/AVP 0\r\nc=IN IP4 192.0.2.7\r\n"
                             "a=rtpmap:0 PCMU/8000\r\na=inactive\r\n", conn=""))
put("sdp", "two-media", sdp("m=video 40004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                            "m=audio 0 RTP/AVP 0\r\nm=audio 40002 RTP/SAVP 0\r\n"
                            "m=audio 40006 RTP/AVP 18 0\r\na=rtpmap:18 G729/8000\r\n"))
put("sdp", "ipv6", sdp("m=audio 40002 RTP/AVP 0\r\n", conn="c=IN IP6 ::1\r\n"))
put("sdp", "lf-only", sdp("m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n").replace("\r\n", "\n"))


def rtp(pt, seq, ts, ssrc, payload, marker=0, cc=0, x=None, pad=0, version=2):
    b0 = version << 6 | (0x20 if pad else 0) | (0x10 if x is not None else 0) | cc
    h = struct.pack("!BBHII", b0, marker << 7 | pt, seq & 0xffff, ts & 0xffffffff, ssrc)
    h += b"\0\0\0\1" * cc
    if x is not None:
        h += struct.pack("!HH", 0xbede, len(x) // 4) + x
    body = payload
    if pad:
        body += b"\0" * (pad - 1) + bytes([pad])
    return h + body


def stream(pkts):
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


voice = bytes((i * 37) & 0xff for i in range(160))
audio = [rtp(0, i, i * 160, 0x1234, voice, marker=(i == 0)) for i in range(10)]
te = [rtp(101, 100 + i, 4000, 0x1234, bytes([5, 0x0a if i < 3 else 0x8a, 0, 160 * (i + 1) % 256]))
      for i in range(6)]
put("rtp", "record-pcmu", b"\x01" + stream(audio))
put("rtp", "record-pcma", b"\x09" + stream([rtp(8, i, i * 160, 7, voice) for i in range(5)]))
put("rtp", "greeting-key", b"\x04" + stream(te))
put("rtp", "record-pound", b"\x05" + stream(audio[:3] + [rtp(101, 9, 9000, 0x1234, bytes([11, 0x8a, 0, 160]))]))
put("rtp", "csrc-ext-pad", b"\x05" + stream([rtp(0, 1, 160, 9, voice, cc=3),
                                              rtp(0, 2, 320, 9, voice, x=b"\1\2\3\4"),
                                              rtp(0, 3, 480, 9, voice, pad=4),
                                              rtp(0, 4, 640, 9, voice, version=1),
                                              rtp(73, 5, 800, 9, b"rtcp"),
                                              rtp(96, 6, 960, 9, voice)]))
put("rtp", "ssrc-switch", b"\x01" + stream([rtp(0, i, (i % 3) * 80000 + i * 160, i % 5, voice) for i in range(12)]))
put("rtp", "readback", b"\x06" + stream(te[:2]))

dr = b"\x00"             # INFO, greeting
put("dtmf", "relay", dr + b"\x00Signal=5\r\nDuration=160\r\n")
put("dtmf", "relay-spaces", dr + b"\x00Signal = #\nDuration= 250\n")
put("dtmf", "plain", dr + b"\x01 7\r\n")
put("dtmf", "numeric", b"\x02" + b"\x0010\r\n")
put("dtmf", "ctype", dr + b"\x02application/dtmf-relay; charset=x\nsignal=*\n")
put("dtmf", "rfc4733", b"\x01" + bytes([1, 9, 4, 3, 0x0a, 0, 160,
                                         0, 9, 4, 3, 0x8a, 1, 64,
                                         0, 9, 4, 3, 0x8a, 1, 64,
                                         3, 9, 4, 11, 0x8a, 1, 64]))
put("dtmf", "rfc4733-record", b"\x03" + bytes([1, 9, 4, 11, 0x8a, 0, 160, 2, 8, 2, 1, 0]))

put("caseno", "subject", "Re: [JB 261123000017] 您的举报已受理\n满意度：5分\n")
put("caseno", "variants", "JB:2611230000171 JB-261123000017 jb261123000018 #JB 99\n"
    "rating: 4\n> 5\nhttps://x.example.cn/a?b=1 微信号：abc_123 QQ：12345 电话 13812345678\n姓名：张三\n")
put("caseno", "verp", "jubao-bounces+261123000017@example.cn")
