#!/usr/bin/env python3
"""jbkey.py - jubao's keyed values, computed apart from jubao (tests).

usage: jbkey.py KEY_FILE mid CASE KIND NONCE     our Message-ID's local part
       jbkey.py KEY_FILE verp CASE NONCE         a VERP tag CASE.NONCE.MAC
       jbkey.py KEY_FILE pin CASE PIN            the keyed hash a PIN is kept as
       jbkey.py KEY_FILE call CALL-ID            the tag that stands for a Call-ID

An independent implementation (Python's hashlib) of what shared/crypt.c
derives with libsodium: crypto_kdf_derive_from_key is BLAKE2b keyed with
the master key, the subkey id as salt and the context as personalisation;
crypto_generichash is keyed BLAKE2b.  Tests use it to forge what an
attacker who holds a case's MAC could send, to check a PIN without
reading one from the store, and to check that jubao computes the same.
"""
import hashlib
import struct
import sys

SUBKEYS = {"mac": (3, b"jubaomac"), "pin": (4, b"jubaopin")}


def master(path):
    raw = open(path, "rb").read().strip()
    return bytes.fromhex(raw.decode()) if len(raw) == 64 else raw


def subkey(key, which):
    sid, ctx = SUBKEYS[which]
    return hashlib.blake2b(b"", digest_size=32, key=key,
                           salt=struct.pack("<Q", sid) + b"\0" * 8,
                           person=ctx + b"\0" * 8).digest()


def mac(key, msg, n):
    return hashlib.blake2b(msg.encode(), digest_size=n, key=key).hexdigest()


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    key, what, args = master(argv[1]), argv[2], argv[3:]
    if what == "mid" and len(args) == 3:
        c, k, n = args
        print("jubao.%s.%s.%s.%s" % (c, k, n,
              mac(subkey(key, "mac"), "mid:%s.%s.%s" % (c, k, n), 10)))
    elif what == "verp" and len(args) == 2:
        c, n = args
        print("%s.%s.%s" % (c, n, mac(subkey(key, "mac"), "verp:%s.%s" % (c, n), 8)))
    elif what == "call" and len(args) == 1:
        print("call-" + mac(subkey(key, "mac"), "call:" + args[0], 10))
    elif what == "pin" and len(args) == 2:
        print(mac(subkey(key, "pin"), "%s:%s" % tuple(args), 16))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
