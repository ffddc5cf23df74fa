#!/usr/bin/env python3
"""shapes.py - adversarial messages whose cost shows in how it grows.

usage: shapes.py --list
       shapes.py SHAPE BYTES [OUT]       one message of about BYTES (stdout)

Each shape repeats one unit that an earlier parser handled in more than
linear time (issue "Hostile senders", finding 1), or that fills a list
the report keeps (finding 2).  Deterministic: the same shape and size
always give the same bytes.  Used by tests/bench/bench-complexity.sh (parse
time at 1, 2, 4 and 8 MB and the growth per doubling), tests/t-complexity.sh
(CI's guard: each shape at 4 MB through a real Postfix and milter) and
tests/data/hostile/mkhostile.py --huge.
"""
import base64
import sys

HDR = ("From: reporter@example.com\r\nTo: jubao@example.cn\r\n"
       "Message-ID: <shape-%s-%d@example.com>\r\n"
       "Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n")


def lines(unit, size, width=76):
    """unit repeated to size bytes, folded into CRLF lines of about width"""
    out, n, line = [], 0, ""
    while n < size:
        line += unit
        n += len(unit.encode())
        if len(line) >= width:
            out.append(line)
            line = ""
    out.append(line)
    return "\r\n".join(out)


def plain(name, size, body, subject="shape"):
    # base64, so that a text line may be longer than SMTP's 998 bytes
    b64 = base64.encodebytes(body.encode()).decode().replace("\n", "\r\n")
    return (HDR % (name, size) + "Subject: %s\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" % subject + b64)


def seq(fmt, size):
    """distinct items fmt % i, one a line, about size bytes"""
    out, n, i = [], 0, 0
    while n < size:
        s = fmt % i
        out.append(s)
        n += len(s.encode()) + 1
        i += 1
    return "\n".join(out)


def url_parens(size):
    # one URL followed by closing brackets (trim_tail rescanned each)
    return plain("url-parens", size, "http://x.cn/" + ")" * (size * 3 // 4))


def urls(size):
    return plain("urls", size, seq("http://x%d.cn/p", size * 3 // 4))


def bare(size):
    # URLs as reporters write them: no scheme, glued to Chinese text
    return plain("bare", size, seq("网站www.s%d.cn/casino提供赌博。", size * 3 // 4))


def accounts(size):
    return plain("accounts", size, seq("@a%d", size * 3 // 4))


def labelled(size):
    return plain("labelled", size, seq("账号：u%d", size * 3 // 4))


def phones(size):
    return plain("phones", size, seq("电话13%09d", size * 3 // 4))


def emails(size):
    return plain("emails", size, seq("x%d@mail.example.com", size * 3 // 4))


def longrun(size):
    # one long run of address characters with no @ (the redaction scan)
    return plain("longrun", size, "a" * (size * 3 // 4))


def encoded_words(size):
    # a forwarded message whose Subject is "=?a?Q?x" many times over: each
    # "=?" started a scan to the end of the header
    unit = "=?a?Q?x"
    subj = lines(unit, size, 70).replace("\r\n", "\r\n ")
    inner = ("From: x@example.org\r\nSubject: " + subj +
             "\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n")
    return (HDR % ("ew", size) + "Subject: Fwd\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n转发\r\n"
            "--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner +
            "--b--\r\n")


def parts(size):
    # many tiny MIME parts (each became an evidence item)
    unit = "--b\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n"
    n = max(1, size // len(unit))
    return (HDR % ("parts", size) + "Subject: parts\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
            unit * n + "--b--\r\n")


def headers(size):
    # many headers with distinct names (the milter counted each by a scan)
    out, n, i = [], 0, 0
    while n < size:
        h = "X-H%d: v\r\n" % i
        out.append(h)
        n += len(h)
        i += 1
    return (HDR % ("headers", size) + "".join(out) +
            "Subject: headers\r\nContent-Type: text/plain\r\n\r\nbody\r\n")


def hrefs(size):
    body = seq('<a href="http://h%d.cn/">x</a><br>', size)
    return (HDR % ("hrefs", size) + "Subject: hrefs\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>" +
            body + "</body></html>\r\n")


SHAPES = {
    "url-parens": url_parens, "urls": urls, "bare-urls": bare,
    "accounts": accounts, "labelled": labelled, "phones": phones,
    "emails": emails, "longrun": longrun, "encoded-words": encoded_words,
    "parts": parts, "headers": headers, "hrefs": hrefs,
}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(SHAPES))
        return 0
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in SHAPES:
        sys.stderr.write(__doc__)
        return 2
    data = SHAPES[sys.argv[1]](int(sys.argv[2])).encode()
    if len(sys.argv) == 4:
        with open(sys.argv[3], "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
