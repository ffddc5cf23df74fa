#!/usr/bin/env python3
"""mkhostile.py - the hostile-input corpus: malformed mail, SIP and RTP.

usage: python3 tests/data/hostile/mkhostile.py            rewrite mail/ and sip/
       python3 tests/data/hostile/mkhostile.py --huge DIR  write the big ones to DIR

Deterministic (fixed seeds).  The small files are committed:

  mail/NNN-what.eml   malformed messages: truncated MIME, deep nesting,
                      long header lines, unknown or lying charsets, NUL
                      bytes, bad base64 and quoted-printable, garbage RFC 2047
                      and RFC 2231, broken Content-Type, random bytes
  sip/NNN-what.sip    one SIP request (or garbage) as sent in one UDP datagram
  sip/NNN-what.rtp    an RTP stream: records of a 2-byte big-endian length and
                      that many bytes, one datagram each (fuzz_rtp's format)

--huge DIR writes what is too big to commit, for tests/t-hostile.sh:
10,000 nested multipart parts, 1 MB header lines, a ~20 MB base64 part,
and each shape of tests/bench/shapes.py at 1, 2, 4 and 8 MB.

The "hs-" messages are the classes of issue "Hostile senders": each shape
of tests/bench/shapes.py small, addresses that carry SMTP commands, replies
and ratings that prove nothing, bounces that report nothing we sent, and
terminal escapes; they are also the mime fuzzer's seeds.
"""
import base64
import os
import random
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
R = random.Random(12377)

HDR = (b"From: reporter@example.com\r\nTo: jubao@example.cn\r\n"
       b"Message-ID: <hostile-%d@example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0800\r\n")
BODY = "有人开设网络赌博网站：https://bet.example.vip/a\r\n姓名：张三\r\n".encode()

mail = []


def m(name, data):
    mail.append((name, data))


def msg(headers, body, n=None):
    n = len(mail) if n is None else n
    return HDR % n + headers + b"\r\n" + body


def multipart(boundary=b"b1", parts=None, ctype=b"multipart/mixed"):
    parts = parts or [(b"Content-Type: text/plain; charset=utf-8\r\n", BODY),
                      (b"Content-Type: application/pdf; name=\"a.pdf\"\r\n"
                       b"Content-Transfer-Encoding: base64\r\n", b"JVBERi0xLjQKJcfs\r\n")]
    out = b""
    for h, b in parts:
        out += b"--" + boundary + b"\r\n" + h + b"\r\n" + b + b"\r\n"
    out += b"--" + boundary + b"--\r\n"
    return (b"Subject: multipart\r\nMIME-Version: 1.0\r\nContent-Type: " + ctype +
            b"; boundary=\"" + boundary + b"\"\r\n", out)


def nested(depth, leaf=BODY):
    body = b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + leaf
    for i in range(depth):
        b = b"n%d" % i
        body = (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n--" + b +
                b"\r\n" + body + b"\r\n--" + b + b"--\r\n")
    return HDR % 0 + b"Subject: nested\r\nMIME-Version: 1.0\r\n" + body


def gen_mail():
    # 1. truncated MIME: one good multipart cut at 40 places
    h, b = multipart()
    full = msg(h, b, 0)
    for i, cut in enumerate(sorted(R.sample(range(1, len(full)), 40))):
        m("truncated-%02d" % i, full[:cut])
    # 2. broken boundaries
    m("boundary-missing", msg(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n", b))
    m("boundary-empty", msg(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"\"\r\n", b))
    m("boundary-wrong", msg(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n", b))
    m("boundary-unclosed", msg(h, b.replace(b"--b1--", b"")))
    m("boundary-unquoted-space", msg(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b 1\r\n", b))
    m("boundary-70plus", msg(*multipart(boundary=b"x" * 200)))
    m("boundary-quote-unterminated", msg(b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\r\n", b))
    m("boundary-only-closing", msg(h, b"--b1--\r\n"))
    m("boundary-no-parts", msg(h, b"preamble only\r\n"))
    m("boundary-prefix-of-other", msg(*multipart(boundary=b"-")))
    m("boundary-in-body", msg(h, b"--b1\r\n\r\n--b1\r\n--b1\r\n--b1\r\n" * 50 + b"--b1--\r\n"))
    m("parts-1000-empty", msg(h, b"--b1\r\n\r\n" * 1000 + b"--b1--\r\n"))
    m("parts-500-headers-only", msg(h, b"--b1\r\nContent-Type: text/plain\r\n" * 500))
    # 3. nesting
    for d in (2, 10, 50, 100, 300):
        m("nested-%d" % d, nested(d))
    m("nested-rfc822-20", HDR % 0 + b"Subject: fwd\r\nMIME-Version: 1.0\r\n" +
      b"Content-Type: message/rfc822\r\n\r\n" * 20 + b"Subject: inner\r\n\r\n" + BODY)
    m("nested-unclosed-100", b"".join(b"Content-Type: multipart/mixed; boundary=u%d\r\n\r\n--u%d\r\n" % (i, i)
                                      for i in range(100)))
    m("nested-same-boundary", HDR % 0 + b"MIME-Version: 1.0\r\n" +
      b"Content-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\n" * 100 + BODY)
    # 4. long header lines (the 1 MB ones are made at test time)
    for n in (998, 1000, 4096, 20000, 60000):
        m("header-subject-%d" % n, msg(b"Subject: " + b"x" * n + b"\r\n", BODY))
    m("header-folded-2000", msg(b"Subject: a\r\n" + b" b\r\n" * 2000, BODY))
    m("header-1000-received", msg(b"Received: from x by y; Mon, 23 Nov 2026 10:00:00 +0800\r\n" * 1000, BODY))
    m("header-to-5000-addrs", msg(b"To: " + b", ".join(b"u%d@example.cn" % i for i in range(5000)) + b"\r\n", BODY))
    m("header-no-colon", msg(b"This is not a header\r\nSubject: x\r\n", BODY))
    m("header-name-only", msg(b"Subject\r\n:\r\n::::\r\n", BODY))
    m("header-8bit-name", msg("主题: 测试\r\n".encode(), BODY))
    m("header-continuation-first", b" folded first\r\n" + HDR % 0 + b"\r\n" + BODY)
    m("header-cr-only", msg(b"Subject: a\rb\rc\r", BODY).replace(b"\r\n", b"\r"))
    m("header-lf-only", msg(b"Subject: lf\n", BODY).replace(b"\r\n", b"\n"))
    m("header-no-body-separator", HDR % 0 + b"Subject: x")
    m("header-references-2000", msg(b"References: " + b" ".join(b"<%d@x>" % i for i in range(2000)) + b"\r\n", BODY))
    m("header-message-id-junk", msg(b"In-Reply-To: <<<>>>\r\nReferences: <\r\n", BODY))
    m("header-date-garbage", msg(b"Date: 99 Foo 99999 99:99:99 +9999\r\n", BODY))
    # 5. unknown and lying charsets
    cs = [b"x-unknown", b"", b"\"\"", b"utf-7", b"utf-16", b"utf-32", b"ucs-2", b"iso-2022-jp",
          b"gb2312", b"gbk", b"gb18030", b"big5", b"euc-kr", b"koi8-r", b"us-ascii", b"utf-8",
          b"windows-1252", b"hz-gb-2312", b"\xff\xfe", b"a" * 300, b"utf-8\"; x=\"", b"../../etc/passwd",
          b"utf-8*", b"unicode-1-1-utf-7", b"cp936"]
    texts = [("utf8", BODY), ("gbk", "举报赌博网站 https://x.example.cn".encode("gbk")),
             ("big5", "檢舉賭博網站".encode("big5")), ("latin1", "caf\xe9 \xff\xfe".encode("latin1")),
             ("badutf8", b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xed\xa0\x80"),
             ("utf16odd", "举报".encode("utf-16-le") + b"\x00")]
    i = 0
    for c in cs:
        name, t = texts[i % len(texts)]
        i += 1
        m("charset-%02d-%s" % (i, name), msg(b"Subject: charset\r\nMIME-Version: 1.0\r\n"
                                            b"Content-Type: text/plain; charset=" + c +
                                            b"\r\nContent-Transfer-Encoding: 8bit\r\n", t))
    for c in cs[:12]:
        i += 1
        m("charset-%02d-header" % i, msg(b"Subject: =?" + c + b"?B?5Li+5oql?= \xd6\xd0\xce\xc4\r\n", BODY))
        i += 1
        m("charset-%02d-html" % i, msg(b"Subject: html\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=" +
                                       c + b"\r\n", b"<html><meta charset=\"big5\"><body>\xb4\xfa<b>x</body>"))
    m("charset-declared-utf8-is-gbk", msg(b"Subject: \xbe\xd9\xb1\xa8\r\nContent-Type: text/plain; charset=utf-8\r\n",
                                          "举报".encode("gbk") * 100))
    m("charset-raw-8bit-headers-everywhere", msg(b"From: \xd5\xc5\xc8\xfd <\xd5@x>\r\nSubject: \xff\xfe\xfd\r\n", BODY))
    # 6. NUL bytes
    m("nul-in-header", msg(b"Subject: a\x00b\r\nX-\x00: \x00\r\n", BODY))
    m("nul-in-body", msg(b"Subject: nul\r\n", BODY + b"\x00" * 1000 + BODY))
    m("nul-only", b"\x00" * 4096)
    m("nul-in-boundary", msg(*multipart(boundary=b"b\x001")))
    m("nul-in-base64", msg(b"Content-Transfer-Encoding: base64\r\n", b"5Li+\x005oql\r\n"))
    m("nul-in-filename", msg(*multipart(parts=[(b"Content-Type: text/plain; name=\"a\x00.exe\"\r\n"
                                                b"Content-Disposition: attachment; filename=\"b\x00.pdf\"\r\n", b"x")])))
    m("nul-in-encoded-word", msg(b"Subject: =?utf-8?Q?a=00b?= =?utf-8?B?AAAA?=\r\n", BODY))
    m("nul-after-headers", msg(b"Subject: x\r\n\x00\r\n", BODY))
    m("nul-in-qp", msg(b"Content-Transfer-Encoding: quoted-printable\r\n", b"a=00=00=00b\r\n"))
    m("nul-in-charset", msg(b"Content-Type: text/plain; charset=utf\x00-8\r\n", BODY))
    # 7. bad base64 and quoted-printable (the enormous one is made at test time)
    b64 = [b"!!!!", b"5Li+5oql=", b"5Li+5oql===", b"====", b"5", b"5L", b"5Li", b"5Li+5oql\r\n=\r\n5Li+",
           b" 5 L i + 5 o q l ", b"5Li+5oql" * 2000 + b"@", b"\xff\xfe\xfd", b"-_-_-_", b"5Li+\r\n" * 3000,
           b"=" * 5000, b"A" * 60001]
    for j, d in enumerate(b64):
        m("base64-%02d" % j, msg(*multipart(parts=[(b"Content-Type: application/octet-stream; name=x.bin\r\n"
                                                    b"Content-Transfer-Encoding: base64\r\n", d)])))
    qp = [b"=", b"=X", b"=4", b"=\r\n" * 1000, b"=E4=B8", b"a=\r\n=\r\n=", b"=ZZ=GG=hh", b"x" * 20000 + b"=",
          b"=E4=B8=BE=E6=8A=A5" * 1000, b"=\x00=\xff"]
    for j, d in enumerate(qp):
        m("qp-%02d" % j, msg(b"Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             b"Content-Transfer-Encoding: quoted-printable\r\n", d))
    m("cte-unknown", msg(b"Content-Transfer-Encoding: x-uuencode-garbage\r\n", BODY))
    m("cte-twice", msg(b"Content-Transfer-Encoding: base64\r\nContent-Transfer-Encoding: quoted-printable\r\n", b"=E4"))
    m("cte-binary-multipart", msg(b"MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n" + multipart()[0], multipart()[1]))
    # 8. garbage RFC 2047
    ew = [b"=?utf-8?B?garbage!!?=", b"=?utf-8?Q?=ZZ=?=", b"=?utf-8?X?abc?=", b"=?utf-8?B?", b"=??B?5Li+?=",
          b"=?utf-8??5Li+?=", b"=?utf-8?B??=", b"=?=?=?=?=?=", b"=?utf-8?B?5Li+?=" * 2000,
          b"=?utf-8?B?5L?= =?utf-8?B?i+?=", b"=?gbk?B?vtm=?= =?gbk?B?sag=?=", b"=?big5?Q?=C0=CB?= =?big5?Q?=C1?=",
          b"=?utf-8*zh?B?5Li+?=", b"=?utf-8*?B?5Li+?=", b"=?" + b"x" * 1000 + b"?B?5Li+?=",
          b"=?utf-8?Q?" + b"=E4" * 3000 + b"?=", b"=?utf-8?B?" + b"/" * 4001 + b"?=", b"=?utf-16?B?2D3d?=",
          b"=?utf-7?Q?+2D3d-?=", b"=?iso-2022-jp?B?GyRCNEE7ehsoQg?=", b"=?unknown-8bit?Q?=FF?=",
          b"=?utf-8?B?5Li+5oql?=\r\n\t=?utf-8?B?", b"=?utf-8?q?a_b_c=?=", b"?=?=?utf-8?=",
          b"=?utf-8?B?5Li+?=(comment =?utf-8?B?5Li+?=)", b"=?\xff?B?5Li+?=", b"=?utf-8?B?\xff\xfe?=",
          b"=?UTF-8?b?5Li+5oql?==?UTF-8?b?5Li+5oql?=", b"=?gb2312?B?" + b"A" * 5000 + b"?=",
          b"=?utf-8?Q?" + b"?" * 3000 + b"=?="]
    for j, w in enumerate(ew):
        m("rfc2047-subject-%02d" % j, msg(b"Subject: " + w + b"\r\n", BODY))
    for j, w in enumerate(ew[:10]):
        m("rfc2047-from-%02d" % j, msg(b"Subject: from\r\nReply-To: " + w + b" <" + w + b"@x>\r\n", BODY)
          .replace(b"From: reporter@example.com", b"From: " + w + b" <reporter@example.com>"))
    # 9. RFC 2231 garbage
    p2231 = [b"filename*0*=utf-8''%E4%B8; filename*1*=%BE", b"filename*1=b; filename*0=a",
             b"filename*99999999=x", b"filename*=utf-8''%ZZ%", b"filename*=''", b"filename*=x'y'%",
             b"filename*0*=gbk''%BE%D9; filename*2*=%B1%A8", b"filename*-1=x", b"filename*0=" + b"a" * 5000,
             b"".join(b"filename*%d=a; " % k for k in range(2000)), b"filename*=\xff''\xfe",
             b"filename=\"=?utf-8?B?5Li+?=.pdf\"", b"filename=\"../../../etc/passwd\"", b"filename=\"\"",
             b"filename=" + b"x" * 10000 + b".pdf"]
    for j, p in enumerate(p2231):
        m("rfc2231-%02d" % j, msg(*multipart(parts=[(b"Content-Type: application/pdf\r\n"
                                                     b"Content-Disposition: attachment; " + p + b"\r\n", b"x")])))
    # 10. broken Content-Type
    ct = [b"", b"/", b"text", b"text/", b"multipart/", b"multipart", b";;;;", b"text/plain; ;; =; a=",
          b"multipart/mixed; boundary=", b"message/rfc822", b"message/partial; id=1; number=2; total=1",
          b"multipart/digest; boundary=b1", b"application/x-\xff", b"text/plain; " + b"a=b; " * 3000,
          b"multipart/alternative; boundary=b1", b"multipart/related; boundary=b1; type=\"text/html\""]
    for j, c in enumerate(ct):
        m("ctype-%02d" % j, msg(b"MIME-Version: 1.0\r\nContent-Type: " + c + b"\r\n", multipart()[1]))
    # 11. random bytes and degenerate files
    m("empty", b"")
    m("crlf-only", b"\r\n" * 1000)
    m("lf-only", b"\n" * 1000)
    m("headers-only", HDR % 0)
    m("body-only", b"\r\n" + BODY)
    m("space-only", b" " * 10000)
    m("dot-lines", msg(b"Subject: dots\r\n", b".\r\n..\r\n.x\r\n" * 300))
    m("long-body-line", msg(b"Subject: long line\r\n", b"x" * 60000 + b"\r\n"))
    m("html-bomb", msg(b"Content-Type: text/html; charset=utf-8\r\n", b"<div>" * 10000 + BODY))
    m("html-entities", msg(b"Content-Type: text/html; charset=utf-8\r\n", b"&#x10FFFF;&#0;&#99999999999;&amp" * 1000))
    m("auto-submitted-garbage", msg(b"Auto-Submitted: \xff\r\nPrecedence: \x00\r\nList-Id: <\r\n", BODY))
    m("case-ref-garbage", msg(b"Subject: Re: [JB 99999999999999999999999999]\r\nIn-Reply-To: <jb.x.@@>\r\n", BODY))
    for j in range(15):
        m("random-%02d" % j, bytes(R.getrandbits(8) for _ in range(R.randint(1, 8000))))
    for j in range(10):
        base = bytearray(full)
        for _ in range(30):
            base[R.randrange(len(base))] = R.getrandbits(8)
        m("bitflip-%02d" % j, bytes(base))
    gen_hostile_senders()


def write_mail(outdir):
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if f.endswith(".eml"):
            os.unlink(os.path.join(outdir, f))
    for n, (name, data) in enumerate(mail):
        with open(os.path.join(outdir, "%03d-%s.eml" % (n + 1, name)), "wb") as f:
            f.write(data)


def gen_hostile_senders():
    """issue "Hostile senders": each class, small ("hs-" in the name: the
    mime fuzzer's seeds too); the shapes at 1-8 MB come from --huge"""
    sys.path.insert(0, os.path.join(here, "..", "..", "bench"))
    import shapes
    for name in sorted(shapes.SHAPES):
        m("hs-shape-" + name, shapes.SHAPES[name](16384).encode())
    # addresses that must never reach sendmail or RCPT TO
    m("hs-inject-reply-to", msg(b'Reply-To: "a\r\n RCPT TO:<evil@evil.example>\r\n "@example.com\r\n', BODY))
    m("hs-inject-from-quoted", b'From: "x\r\n DATA\r\n"@example.com\r\nTo: jubao@example.cn\r\n'
      b"Message-ID: <inj@x>\r\n\r\n" + BODY)
    m("hs-inject-reply-to-list", msg(b"Reply-To: <a@example.com>, <b@evil.example>, \"c d\"@example.com\r\n", BODY))
    m("hs-inject-control", msg(b"Reply-To: a\x01b@example.com\r\nFrom: x\x7f@example.com\r\n", BODY))
    # replies that prove nothing: a forged MAC, an old ID, a subject alone
    m("hs-forged-reply-mac", msg(b"Subject: Re: [JB 261201000017]\r\nIn-Reply-To: "
      b"<jubao.261201000017.ack.deadbeef.00000000000000000000@example.cn>\r\n", BODY))
    m("hs-forged-reply-refs", msg(b"References: " + b" ".join(
        b"<jubao.261201000017.ack.%08x.%020x@example.cn>" % (i, i) for i in range(300)) + b"\r\n", BODY))
    m("hs-forged-reply-long-fields", msg(b"In-Reply-To: <jubao." + b"1" * 500 + b".ack." +
      b"f" * 500 + b"@x>\r\n", BODY))
    m("hs-forged-rating", msg(b"Subject: Re: [JB 261201000017]\r\nIn-Reply-To: "
      b"<jubao.261201000017.feedback.00000000.11111111111111111111@example.cn>\r\n", b"5\r\n"))
    # bounces that report nothing we sent
    rep = (b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
           b"boundary=\"R\"\r\n")
    m("hs-forged-bounce-delayed", msg(rep, b"--R\r\nContent-Type: message/delivery-status\r\n\r\n"
      b"Reporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: delayed\r\n"
      b"Status: 4.0.0\r\n\r\n--R--\r\n"))
    m("hs-forged-bounce-no-status-part", msg(rep, b"--R\r\nContent-Type: text/plain\r\n\r\n"
      b"Action: failed\r\n\r\n--R--\r\n"))
    m("hs-forged-bounce-huge-status", msg(rep, b"--R\r\nContent-Type: message/delivery-status\r\n\r\n" +
      b"Action: failed\r\nDiagnostic-Code: " + b"x" * 60000 + b"\r\n\r\n--R--\r\n"))
    # what would rewrite a handler's terminal
    m("hs-escapes", msg(b"Subject: =?utf-8?B?" + base64.b64encode("\x1b[2J\u202etxt.exe".encode()) +
      b"?=\r\nContent-Type: text/plain; charset=utf-8\r\n",
      "\x1b]0;x\x07\u202e\u0085\u009b31m 网站 http://e.example.cn/\x1b[31m\r\n".encode()))


def write_huge(outdir):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "huge-nested-10000.eml"), "wb") as f:
        f.write(nested(10000))
    with open(os.path.join(outdir, "huge-header-1mb.eml"), "wb") as f:
        f.write(HDR % 0 + b"Subject: " + b"x" * (1 << 20) + b"\r\nX-Long: " +
                b"=?utf-8?B?5Li+?= " * (1 << 16) + b"\r\n\r\n" + BODY)
    with open(os.path.join(outdir, "huge-base64-20mb.eml"), "wb") as f:
        f.write(HDR % 0 + b"Subject: big attachment\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
                b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + BODY + b"\r\n--b1\r\n"
                b"Content-Type: application/octet-stream; name=big.bin\r\n"
                b"Content-Transfer-Encoding: base64\r\n\r\n")
        line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5\r\n"
        f.write(line * (20 * (1 << 20) // len(line)))
        f.write(b"--b1--\r\n")
    # the algorithmic shapes (tests/bench/shapes.py) at 1, 2, 4 and 8 MB
    sys.path.insert(0, os.path.join(here, "..", "..", "bench"))
    import shapes
    for name in sorted(shapes.SHAPES):
        for mb in (1, 2, 4, 8):
            with open(os.path.join(outdir, "huge-shape-%s-%dmb.eml" % (name, mb)), "wb") as f:
                f.write(shapes.SHAPES[name](mb << 20).encode())


# --- SIP
sip = []
VIA = "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-h{n};rport\r\n"


def req(method="INVITE", ruri="sip:12377@127.0.0.1", headers=None, body=b"", clen=None, start=None):
    n = len(sip)
    h = [VIA.format(n=n), "From: <sip:13800000000@127.0.0.1>;tag=h%d\r\n" % n,
         "To: <sip:12377@127.0.0.1>\r\n", "Call-ID: hostile-%d@jubao.test\r\n" % n,
         "CSeq: 1 %s\r\n" % method, "Contact: <sip:13800000000@127.0.0.1:5999>\r\n",
         "Max-Forwards: 70\r\n"]
    if headers is not None:
        h = headers(h) if callable(headers) else h + headers
    if body:
        h.append("Content-Type: application/sdp\r\n")
    h.append("Content-Length: %s\r\n" % (len(body) if clen is None else clen))
    s = (start or "%s %s SIP/2.0\r\n" % (method, ruri)).encode() + "".join(h).encode() + b"\r\n"
    return s + body


def s(name, data):
    sip.append((name, data, "sip"))


def rtp_stream(name, pkts):
    sip.append((name, b"".join(struct.pack("!H", len(p)) + p for p in pkts), "rtp"))


def sdp(media=b"m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
        conn=b"c=IN IP4 127.0.0.1\r\n", head=b"v=0\r\no=u 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"):
    return head + conn + b"t=0 0\r\n" + media


def gen_sip():
    # broken SDP (each in an INVITE)
    bodies = [b"garbage", b"v=0\r\n", b"v=1\r\n" + sdp()[5:], sdp(conn=b""), sdp(conn=b"c=IN IP4 999.1.1.1\r\n"),
              sdp(conn=b"c=IN IP6 ::1\r\n"), sdp(conn=b"c=IN IP4\r\n"), sdp(conn=b"c=XX YY ZZ\r\n"),
              sdp(media=b"m=audio 99999 RTP/AVP 0\r\n"), sdp(media=b"m=audio -1 RTP/AVP 0\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP\r\n"), sdp(media=b"m=audio 40002 RTP\xff\xff 8\r\n"),
              sdp(media=b"m=audio 4 RTP\xc7\xbeVP 8\r\n"), sdp(media=b"m=audio 40002 RTP/AVP 18\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/99999999999\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP 0\r\n" * 1000), sdp(media=b"m=audio 40002 RTP/AVP " +
                                                                     b" ".join(b"%d" % i for i in range(3000)) + b"\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP 0\r\na=" + b"x" * 50000 + b"\r\n"),
              sdp(media=b"m=video 40002 RTP/AVP 96\r\n"), sdp(media=b"m=audio 40002 RTP/SAVP 0\r\n"),
              sdp(media=b"m=audio 40002 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\na=inactive\r\n"),
              sdp(media=b"m=audio 0 RTP/AVP 0\r\n"), sdp(media=b"m=\r\n"), sdp(media=b"m=audio\r\n"),
              sdp(head=b"v=0\r\no=\r\ns=\r\n"), sdp(head=b"o=u 1 1 IN IP4 127.0.0.1\r\n"),
              sdp().replace(b"\r\n", b"\n"), sdp().replace(b"\r\n", b"\r"), sdp() + b"\x00" * 100,
              bytes(R.getrandbits(8) for _ in range(1000)), sdp(media=b"m=audio 40002 RTP/AVP 0\r\nc=IN IP4 127.0.0.1/127/3\r\n"),
              sdp(conn=b"c=IN IP4 0.0.0.0\r\n"), sdp(conn=b"c=IN IP4 224.0.0.1/1\r\n"),
              sdp(media=b"m=audio 40002/2 RTP/AVP 0\r\n")]
    for j, b in enumerate(bodies):
        s("sdp-%02d" % j, req(body=b))
    # huge headers
    s("huge-via-1000", req(headers=lambda h: [VIA.format(n=i) for i in range(1000)] + h[1:]))
    s("huge-callid-60k", req(headers=lambda h: h[:3] + ["Call-ID: " + "c" * 60000 + "\r\n"] + h[4:]))
    s("huge-from-name", req(headers=lambda h: [h[0], "From: \"" + "名" * 15000 + "\" <sip:1@x>;tag=1\r\n"] + h[2:]))
    s("huge-ruri", req(ruri="sip:" + "1" * 50000 + "@127.0.0.1"))
    s("huge-header-count", req(headers=["X-H%d: v\r\n" % i for i in range(5000)]))
    s("huge-pai", req(headers=["P-Asserted-Identity: <sip:" + "9" * 30000 + "@x>\r\n"]))
    s("huge-user-agent", req(headers=["User-Agent: " + "u" * 60000 + "\r\n"]))
    s("huge-contact-list", req(headers=["Contact: " + ",".join("<sip:%d@x>" % i for i in range(4000)) + "\r\n"]))
    # wrong Content-Length
    for j, cl in enumerate(["0", "1", "99999", "-1", "abc", "99999999999999999999", "", "1 2", "0x10", "1e3"]):
        s("clen-%02d" % j, req(body=sdp(), clen=cl))
    s("clen-none", req(body=sdp()).replace(b"Content-Length", b"X-Content-Length"))
    s("clen-twice", req(headers=["Content-Length: 5\r\n"], body=sdp()))
    # start lines and syntax
    starts = ["INVITE sip:12377@127.0.0.1 SIP/3.0\r\n", "INVITE sip:12377@127.0.0.1\r\n", "INVITE\r\n",
              "invite sip:12377@127.0.0.1 SIP/2.0\r\n", "FOO sip:12377@127.0.0.1 SIP/2.0\r\n",
              "INVITE not-a-uri SIP/2.0\r\n", "INVITE sip: SIP/2.0\r\n", "INVITE sip:@ SIP/2.0\r\n",
              "SIP/2.0 200 OK\r\n", "SIP/2.0 999999 X\r\n", " INVITE sip:12377@127.0.0.1 SIP/2.0\r\n",
              "INVITE  sip:12377@127.0.0.1  SIP/2.0\r\n", "INVITE tel:12377 SIP/2.0\r\n",
              "INVITE sips:12377@127.0.0.1 SIP/2.0\r\n", "INVITE sip:12377@[::1 SIP/2.0\r\n"]
    for j, st in enumerate(starts):
        s("start-%02d" % j, req(start=st, body=sdp()))
    s("no-callid", req(headers=lambda h: h[:3] + h[4:], body=sdp()))
    s("no-cseq", req(headers=lambda h: h[:4] + h[5:], body=sdp()))
    s("no-via", req(headers=lambda h: h[1:], body=sdp()))
    s("no-from-to", req(headers=lambda h: [h[0]] + h[3:], body=sdp()))
    s("cseq-huge", req(headers=lambda h: h[:4] + ["CSeq: 99999999999999999999 INVITE\r\n"] + h[5:], body=sdp()))
    s("cseq-mismatch", req(headers=lambda h: h[:4] + ["CSeq: 1 BYE\r\n"] + h[5:], body=sdp()))
    s("max-forwards-0", req(headers=lambda h: h[:6] + ["Max-Forwards: 0\r\n"], body=sdp()))
    s("from-quote-open", req(headers=lambda h: [h[0], "From: \"abc <sip:1@x>;tag=1\r\n"] + h[2:], body=sdp()))
    s("nul-in-headers", req(body=sdp()).replace(b"Max-Forwards: 70", b"Max-For\x00wards: 70"))
    s("binary-garbage", bytes(R.getrandbits(8) for _ in range(1400)))
    s("empty", b"")
    s("crlf-keepalive", b"\r\n\r\n")
    s("info-no-dialog", req(method="INFO", body=b"Signal=5\r\n").replace(b"application/sdp", b"application/dtmf-relay"))
    s("info-bad-dtmf", req(method="INFO", body=b"Signal\r\n=\r\n" * 100).replace(b"application/sdp", b"application/dtmf-relay"))
    s("bye-no-dialog", req(method="BYE"))
    s("cancel-no-tx", req(method="CANCEL"))
    s("ack-stray", req(method="ACK"))
    s("register-junk", req(method="REGISTER", headers=["Expires: -5\r\n"]))
    s("message-huge", req(method="MESSAGE", body=b"m" * 60000).replace(b"application/sdp", b"text/plain"))
    s("options-ok", req(method="OPTIONS"))
    s("truncated-invite", req(body=sdp())[:200])
    s("content-type-garbage", req(body=sdp()).replace(b"application/sdp", b"\xff/\x00"))
    s("multipart-sdp", req(body=b"--x\r\nContent-Type: application/sdp\r\n\r\n" + sdp() + b"--x--\r\n")
      .replace(b"application/sdp\r\nContent-Length", b"multipart/mixed;boundary=x\r\nContent-Length", 1))
    # RTP streams
    def rtp(pt=0, seq=1, ts=160, ssrc=0x1234, payload=b"\xff" * 160, b0=None, cc=0, x=None, pad=0, m=0):
        first = (2 << 6 | (0x20 if pad else 0) | (0x10 if x is not None else 0) | cc) if b0 is None else b0
        h = struct.pack("!BBHII", first, m << 7 | pt, seq & 0xffff, ts & 0xffffffff, ssrc)
        return h + b"\0\0\0\1" * min(cc, 2) + (x or b"") + payload + (b"\0" * (pad - 1) + bytes([pad]) if pad else b"")

    rtp_stream("rtp-version-0", [rtp(b0=0x00) for _ in range(20)])
    rtp_stream("rtp-version-1", [rtp(b0=0x40) for _ in range(20)])
    rtp_stream("rtp-version-3", [rtp(b0=0xc0) for _ in range(20)])
    rtp_stream("rtp-csrc-15-short", [rtp(cc=15, payload=b"") for _ in range(20)])
    rtp_stream("rtp-csrc-15-exact", [rtp(b0=0x8f, payload=b"\0" * 60) for _ in range(20)])
    rtp_stream("rtp-ext-huge-len", [rtp(x=b"\xbe\xde\xff\xff") for _ in range(20)])
    rtp_stream("rtp-ext-truncated", [rtp(x=b"\xbe", payload=b"") for _ in range(20)])
    rtp_stream("rtp-pad-too-big", [rtp(b0=0xa0, payload=b"\x00" * 10 + b"\xff") for _ in range(20)])
    rtp_stream("rtp-pad-zero", [rtp(b0=0xa0, payload=b"\x00" * 10) for _ in range(20)])
    rtp_stream("rtp-short", [b"", b"\x80", b"\x80" * 11] * 10)
    rtp_stream("rtp-pt-unknown", [rtp(pt=p) for p in range(128)])
    rtp_stream("rtp-rtcp-mux", [rtp(pt=p) for p in (72, 73, 74, 75, 76)] * 4)
    rtp_stream("rtp-huge-4000", [rtp(payload=b"\x7f" * 3988)] * 5)
    rtp_stream("rtp-ts-jumps", [rtp(ts=R.getrandbits(32), seq=i) for i in range(200)])
    rtp_stream("rtp-ssrc-200", [rtp(ssrc=i, seq=i) for i in range(200)])
    rtp_stream("rtp-seq-wrap", [rtp(seq=65530 + i, ts=i * 160) for i in range(20)])
    rtp_stream("rtp-te-short", [rtp(pt=101, payload=b"\x05")] * 20)
    rtp_stream("rtp-te-events", [rtp(pt=101, ts=i * 800, payload=bytes([i, 0x80, 0, 160])) for i in range(256)])
    rtp_stream("rtp-te-long", [rtp(pt=101, payload=b"\x05\x8a\x00\xa0" * 300)] * 3)
    rtp_stream("rtp-te-flood", [rtp(pt=101, ts=i * 160, payload=bytes([i % 12, 0x8a, 0, 160])) for i in range(300)])
    rtp_stream("rtp-random", [bytes(R.getrandbits(8) for _ in range(R.randint(0, 300))) for _ in range(200)])
    rtp_stream("rtp-random-v2", [b"\x80" + bytes(R.getrandbits(8) for _ in range(R.randint(11, 300))) for _ in range(200)])
    rtp_stream("rtp-pcma-mixed", [rtp(pt=8 if i % 2 else 0, seq=i, ts=i * 160) for i in range(100)])
    rtp_stream("rtp-ts-backwards", [rtp(seq=i, ts=100000 - i * 160) for i in range(100)])
    rtp_stream("rtp-empty-payload", [rtp(payload=b"")] * 50)


def write_sip(outdir):
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if f.endswith(".sip") or f.endswith(".rtp"):
            os.unlink(os.path.join(outdir, f))
    for n, (name, data, ext) in enumerate(sip):
        with open(os.path.join(outdir, "%03d-%s.%s" % (n + 1, name, ext)), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--huge":
        write_huge(sys.argv[2])
    elif len(sys.argv) == 1:
        gen_mail()
        gen_sip()
        write_mail(os.path.join(here, "mail"))
        write_sip(os.path.join(here, "sip"))
        print("mail: %d, sip: %d (%d RTP streams)" % (len(mail), len(sip), sum(1 for x in sip if x[2] == "rtp")))
    else:
        sys.exit(__doc__)
