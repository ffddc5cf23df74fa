"""sendmany.py - submit N distinct reports over SMTP, for jubao's tests.

usage: python3 tests/lib/sendmany.py HOST:PORT N [SESSIONS] [PREFIX]

Each message i (1..N) comes from reporter-i@example.com, to
jubao@example.cn, with Message-ID <PREFIX-i@example.com> and a body naming
https://x.example.cn/PREFIX/i.  Messages are spread over SESSIONS
connections (default 4), sent in parallel.  Prints "sent N" and exits 1 if
the server refused any.
"""
import smtplib
import sys
import threading
from email.message import EmailMessage

host, port = sys.argv[1].rsplit(":", 1)
n = int(sys.argv[2])
sessions = int(sys.argv[3]) if len(sys.argv) > 3 else 4
prefix = sys.argv[4] if len(sys.argv) > 4 else "r"
refused = []
sent = [0]
lock = threading.Lock()


def message(i):
    m = EmailMessage()
    m["From"] = "reporter-%d@example.com" % i
    m["To"] = "jubao@example.cn"
    m["Subject"] = "举报网络诈骗 %s %d" % (prefix, i)
    m["Message-ID"] = "<%s-%d@example.com>" % (prefix, i)
    m.set_content("有人冒充客服诈骗，钓鱼网站：https://x.example.cn/%s/%d\n"
                  "姓名：测试%d\n" % (prefix, i, i))
    return m


def worker(k):
    s = smtplib.SMTP(host, int(port), timeout=60)
    for i in range(k + 1, n + 1, sessions):
        m = message(i)
        try:
            s.send_message(m, from_addr=m["From"], to_addrs=["jubao@example.cn"])
            with lock:
                sent[0] += 1
        except smtplib.SMTPException as e:
            with lock:
                refused.append((i, str(e)))
            s = smtplib.SMTP(host, int(port), timeout=60)
    s.quit()


threads = [threading.Thread(target=worker, args=(k,)) for k in range(sessions)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("sent %d" % sent[0])
for i, e in refused[:5]:
    print("refused %d: %s" % (i, e), file=sys.stderr)
sys.exit(1 if refused else 0)
