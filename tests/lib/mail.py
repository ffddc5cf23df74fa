"""mail.py - read what smtp-sink captured, for jubao's shell tests.

usage: python3 tests/lib/mail.py find SINKDIR KEY=VALUE...
       python3 tests/lib/mail.py show FILE
       python3 tests/lib/mail.py get HEADER FILE...

find prints the paths of captured messages matching every condition:
  rcpt=ADDR      an envelope recipient (X-Rcpt-Args)
  sender=ADDR    the envelope sender (X-Mail-Args); "" is the null sender
  subject~=TEXT  the decoded Subject contains TEXT
  header=NAME    the message has header NAME
  noheader=NAME  the message lacks header NAME
show prints a message's envelope, decoded headers and decoded text body,
one "Name: value" a line, then a blank line and the body.
get prints the decoded value of HEADER of each FILE that has it, a line
each: one process for a thousand messages, where a show per message
costs minutes on a loaded machine.
"""
import email
import email.policy
import os
import re
import signal
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def load(path):
    raw = open(path, "rb").read()
    env = {"rcpt": [], "sender": None}
    # smtp-sink puts its own X- lines first; the message follows them
    lines = raw.split(b"\n")
    i = 0
    while i < len(lines) and re.match(rb"^X-(Client|Helo|Mail|Rcpt)-", lines[i]):
        m = re.match(rb"^X-Mail-Args: <([^>]*)>", lines[i])
        if m:
            env["sender"] = m.group(1).decode()
        m = re.match(rb"^X-Rcpt-Args: <([^>]*)>", lines[i])
        if m:
            env["rcpt"].append(m.group(1).decode().lower())
        i += 1
    msg = email.message_from_bytes(b"\n".join(lines[i:]), policy=email.policy.default)
    return env, msg


def body(msg):
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def matches(env, msg, conds):
    for c in conds:
        if c.startswith("rcpt="):
            if c[5:].lower() not in env["rcpt"]:
                return False
        elif c.startswith("sender="):
            if env["sender"] != c[7:]:
                return False
        elif c.startswith("subject~="):
            if c[9:] not in str(msg.get("Subject", "")):
                return False
        elif c.startswith("header="):
            if msg.get(c[7:]) is None:
                return False
        elif c.startswith("noheader="):
            if msg.get(c[9:]) is not None:
                return False
        else:
            sys.exit("mail.py: bad condition " + c)
    return True


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "find":
        d = sys.argv[2]
        for name in sorted(os.listdir(d), key=lambda n: os.stat(os.path.join(d, n)).st_mtime):
            p = os.path.join(d, name)
            if not os.path.isfile(p):
                continue
            try:
                env, msg = load(p)
            except Exception:
                continue
            if matches(env, msg, sys.argv[3:]):
                print(p)
    elif len(sys.argv) == 3 and sys.argv[1] == "show":
        env, msg = load(sys.argv[2])
        print("Envelope-From: <%s>" % env["sender"])
        for r in env["rcpt"]:
            print("Envelope-To: <%s>" % r)
        for k, v in msg.items():
            print("%s: %s" % (k, str(v)))
        print()
        print(body(msg))
    elif len(sys.argv) >= 4 and sys.argv[1] == "get":
        for p in sys.argv[3:]:
            v = load(p)[1].get(sys.argv[2])
            if v is not None:
                print(str(v))
    else:
        sys.exit(__doc__)


main()
