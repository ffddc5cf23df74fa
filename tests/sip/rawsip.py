#!/usr/bin/env python3
"""rawsip.py - INVITEs sent by hand, for what SIPp will not do (tests).

usage: rawsip.py noack BRIDGE_PORT N CALLID_PREFIX
           N INVITEs from one socket that never ACK: what a spoofed source
           address looks like to the bridge.  Prints each final status.
       rawsip.py media BRIDGE_PORT CALLID SDP_ADDR SECONDS
           one call whose SDP names SDP_ADDR (say 127.0.0.9) as where its
           RTP should go, while the call comes from 127.0.0.1; after the
           ACK it listens on both addresses, at the SDP's port, and prints
           "source=N sdp=M": the RTP packets that reached each.  Then BYE.
       rawsip.py options BRIDGE_PORT N
           N OPTIONS outside any dialog, one after the other (each waits
           for its answer, up to 2 s); prints "answered=K".

Plain UDP on loopback; only what the tests need of RFC 3261.
"""
import random
import re
import select
import socket
import sys
import time


def invite(port, cid, lport, media_ip, media_port):
    sdp = ("v=0\r\no=u 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
           "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\n" % (media_ip, media_ip, media_port))
    branch = "z9hG4bK%08x" % random.getrandbits(32)
    return ("INVITE sip:12377@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s\r\n"
            "From: <sip:13900000009@127.0.0.1:%d>;tag=t%08x\r\n"
            "To: <sip:12377@127.0.0.1:%d>\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
            "Contact: <sip:13900000009@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n"
            "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
            % (port, lport, branch, lport, random.getrandbits(32), port, cid,
               lport, len(sdp), sdp)).encode()


def final(sock, cid, timeout=5.0):
    """the first final response for cid, or None"""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([sock], [], [], end - time.time())
        if not r:
            break
        data = sock.recv(65536).decode(errors="replace")
        m = re.match(r"SIP/2.0 (\d+)", data)
        if m and int(m.group(1)) >= 200 and ("Call-ID: %s" % cid) in data:
            return int(m.group(1)), data
    return None


def in_dialog(port, lport, method, cseq, resp, cid):
    to = re.search(r"^To: (.*)$", resp, re.M).group(1).strip()
    fr = re.search(r"^From: (.*)$", resp, re.M).group(1).strip()
    return ("%s sip:12377@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%08x\r\n"
            "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            % (method, port, lport, random.getrandbits(32), fr, to, cid, cseq,
               method)).encode()


def main(argv):
    if len(argv) == 5 and argv[1] == "noack":
        port, n, prefix = int(argv[2]), int(argv[3]), argv[4]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        lport = s.getsockname()[1]
        for i in range(n):
            cid = "%s-%d@jubao.test" % (prefix, i)
            s.sendto(invite(port, cid, lport, "127.0.0.1", 4000 + 2 * i), ("127.0.0.1", port))
            r = final(s, cid)
            print("%s %s" % (cid, r[0] if r else "none"))
        return 0
    if len(argv) == 6 and argv[1] == "media":
        port, cid, sdp_ip, secs = int(argv[2]), argv[3], argv[4], float(argv[5])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        lport = s.getsockname()[1]
        rtp_src = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rtp_src.bind(("127.0.0.1", 0))
        mport = rtp_src.getsockname()[1]
        rtp_sdp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rtp_sdp.bind((sdp_ip, mport))
        s.sendto(invite(port, cid, lport, sdp_ip, mport), ("127.0.0.1", port))
        r = final(s, cid)
        if not r or r[0] != 200:
            print("status %s" % (r[0] if r else "none"))
            return 1
        s.sendto(in_dialog(port, lport, "ACK", 1, r[1], cid), ("127.0.0.1", port))
        got = {rtp_src: 0, rtp_sdp: 0}
        end = time.time() + secs
        while time.time() < end:
            rd, _, _ = select.select([rtp_src, rtp_sdp], [], [], end - time.time())
            for x in rd:
                x.recv(2048)
                got[x] += 1
        s.sendto(in_dialog(port, lport, "BYE", 2, r[1], cid), ("127.0.0.1", port))
        final(s, cid, 3)
        print("source=%d sdp=%d" % (got[rtp_src], got[rtp_sdp]))
        return 0
    if len(argv) == 4 and argv[1] == "options":
        port, n = int(argv[2]), int(argv[3])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(2)
        lport = s.getsockname()[1]
        tag = "%08x" % random.getrandbits(32)
        got = 0
        for i in range(n):
            s.sendto(("OPTIONS sip:12377@127.0.0.1:%d SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s%d;rport\r\n"
                      "From: <sip:ping@127.0.0.1>;tag=%s\r\n"
                      "To: <sip:12377@127.0.0.1>\r\n"
                      "Call-ID: opt-%s-%d@jubao.test\r\nCSeq: 1 OPTIONS\r\n"
                      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
                      % (port, lport, tag, i, tag, tag, i)).encode(),
                     ("127.0.0.1", port))
            try:
                s.recv(65536)
                got += 1
            except socket.timeout:
                pass
        print("answered=%d" % got)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
