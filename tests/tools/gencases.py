"""gencases.py - fill a jubao store with N generated, handled cases (tests).

usage: python3 tests/tools/gencases.py STORE N SEED START_EPOCH EXPECT.json

Writes N cases received over the 365 days from START_EPOCH, with outcomes,
measures, accept events, feedback times and ratings drawn from SEED, and
writes to EXPECT.json the statistics computed here, in Python, from the
generated values themselves: the independent reference that
`jubaoctl stats` is checked against.  Reporters get addresses and phone
numbers (reporter-I@example.net, 139NNNNNNNN) for the retention test.
This is test tooling: it writes the store's tables directly.
"""
import json
import math
import random
import sqlite3
import sys
import time

DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]
CATS = {"cyberviolence": (1, 12), "minors": (1, 24), "privacy": (2, 72),
        "fraud": (2, 72), "gambling": (3, 72), "porn": (3, 72),
        "rumour": (3, 120), "ent_rumour": (3, 120), "other": (5, 168)}
MEASURES = ["delete", "block", "unlink", "warn", "suspend", "restrict",
            "close", "private", "dispute-label"]


def caseno(t, seq):
    d = time.strftime("%y%m%d", time.localtime(t)) + "%05d" % seq
    i = 0
    for c in d:
        i = DAMM[i][int(c)]
    return d + str(i)


def main():
    path, n, seed, start, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), sys.argv[5]
    rnd = random.Random(seed)
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA synchronous = OFF")
    seq = {}
    cases = []
    for i in range(n):
        t = start + rnd.randrange(365 * 86400)
        day = time.strftime("%y%m%d", time.localtime(t))
        seq[day] = seq.get(day, 50000) + 1
        cat = rnd.choice(list(CATS))
        pri, hours = CATS[cat]
        ch = "hotline" if rnd.random() < 0.2 else "email"
        outcome = rnd.choices([None, "disposed", "not_accepted", "transferred",
                               "refused_malicious"], [15, 50, 15, 15, 5])[0]
        c = {"no": caseno(t, seq[day]), "t": t, "cat": cat, "pri": pri,
             "deadline": t + hours * 3600, "channel": ch, "outcome": outcome,
             "accepted": outcome in ("disposed",) or (outcome == "transferred" and rnd.random() < 0.5),
             "measures": [], "feedback": None, "rating": None, "i": i}
        if outcome:
            c["outcome_at"] = t + int(rnd.expovariate(1 / (hours * 3600 * 0.8)))
            if outcome == "disposed":
                c["measures"] = rnd.sample(MEASURES, rnd.randint(1, 3))
            if rnd.random() < 0.9:
                c["feedback"] = c["outcome_at"] + 60
                if rnd.random() < 0.4:
                    c["rating"] = rnd.randint(1, 5)
        c["status"] = ("closed" if c["feedback"] and rnd.random() < 0.7 else
                       "feedback_sent" if c["feedback"] else outcome or
                       ("accepted" if rnd.random() < 0.5 else "received"))
        if c["status"] == "accepted":
            c["accepted"] = True
        c["closed_at"] = c["feedback"] + 3600 if c["status"] == "closed" else None
        cases.append(c)
        cur = db.execute(
            "INSERT INTO cases (case_no, channel, status, category, priority, "
            "received_at, deadline, subject, body, lang, spf, missing, pin, "
            "updated_at, outcome, outcome_at, feedback_at, closed_at, "
            "satisfaction, handling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'zh-CN', "
            "'pass', 0, '000000', ?, ?, ?, ?, ?, ?, ?)",
            (c["no"], ch, c["status"], cat, pri, t, c["deadline"],
             "举报 %d" % i, "第 %d 号举报。联系人电话 139%08d，邮箱 reporter-%d@example.net" % (i, i, i),
             t, outcome, c.get("outcome_at"), c["feedback"], c["closed_at"],
             c["rating"], c["outcome_at"] - t if "outcome_at" in c else None))
        cid = cur.lastrowid
        db.execute("INSERT INTO reporters (case_id, address, name, phone) "
                   "VALUES (?, ?, ?, ?)",
                   (cid, "reporter-%d@example.net" % i, "举报人%d" % i, "139%08d" % i))
        db.execute("INSERT INTO outbox (case_id, kind, channel, recipient, "
                   "env_from, message_id, message, status, next_at, created_at) "
                   "VALUES (?, 'ack', 'email', ?, '', 'x', ?, 'sent', ?, ?)",
                   (cid, "reporter-%d@example.net" % i,
                    "To: reporter-%d@example.net\n\nack" % i, t, t))
        db.execute("INSERT INTO targets (case_id, kind, value) VALUES (?, 'url', ?)",
                   (cid, "https://hot.example.cn/%d" % (i % 50)))
        if c["feedback"]:
            c["fb_sent"] = rnd.random() < 0.95     # the rest bounced
            db.execute("INSERT INTO outbox (case_id, kind, channel, recipient, "
                       "env_from, message_id, message, status, next_at, created_at) "
                       "VALUES (?, 'feedback', 'email', 'x', '', 'y', NULL, ?, ?, ?)",
                       (cid, "sent" if c["fb_sent"] else "failed", c["feedback"],
                        c["feedback"]))
        if c["accepted"]:
            db.execute("INSERT INTO events (case_id, at, actor, action) "
                       "VALUES (?, ?, 'gen', 'accept')", (cid, t + 60))
        for m in c["measures"]:
            db.execute("INSERT INTO measures (case_id, measure, until, at, actor) "
                       "VALUES (?, ?, ?, ?, 'gen')",
                       (cid, m, c["outcome_at"] + 86400 * 7 if m == "private" else None,
                        c["outcome_at"]))
    db.commit()
    db.close()

    # the reference statistics over the whole year, computed from the values
    done = [c for c in cases if c["outcome"]]
    hrs = sorted((c["outcome_at"] - c["t"]) / 3600 for c in done)

    def pct(p):
        if not hrs:
            return 0
        r = max(1, min(len(hrs), math.ceil(p / 100 * len(hrs) - 1e-9)))
        return hrs[r - 1]

    by = lambda key: {k: sum(1 for c in cases if key(c) == k)
                      for k in set(key(c) for c in cases)}
    rated = [c["rating"] for c in cases if c["rating"]]
    meas = {}
    for c in cases:
        for m in c["measures"]:
            meas[m] = meas.get(m, 0) + 1
    exp = {
        "received": n,
        "accepted": sum(1 for c in cases if c["accepted"]),
        "disposed": sum(1 for c in cases if c["outcome"] == "disposed"),
        "not_accepted": sum(1 for c in cases if c["outcome"] == "not_accepted"),
        "transferred": sum(1 for c in cases if c["outcome"] == "transferred"),
        "refused_malicious": sum(1 for c in cases if c["outcome"] == "refused_malicious"),
        "feedback_sent": sum(1 for c in cases if c.get("fb_sent")),
        "by_channel": by(lambda c: c["channel"]),
        "by_category": by(lambda c: c["cat"]),
        "by_measure": meas,
        "handling_hours_median": pct(50),
        "handling_hours_p90": pct(90),
        "on_time_share": sum(1 for c in done if c["outcome_at"] <= c["deadline"]) / len(done),
        "feedback_share": sum(1 for c in cases if c.get("fb_sent")) / len(done),
        "satisfaction_mean": sum(rated) / len(rated),
        "closed": [(c["no"], c["closed_at"], c["i"]) for c in cases if c["closed_at"]],
    }
    json.dump(exp, open(out, "w"))


main()
