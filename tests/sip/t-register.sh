#!/bin/bash
# t-register.sh - the bridge registers to a PBX (a SIPp registrar asking for
# digest authentication) and unregisters when it stops; a re-INVITE that
# changes nothing is answered 200 and the call goes on; REFER is refused.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

d=$(mktestdir register)
reg=$(free_port)
cat >"$d/registrar.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="registrar with digest">
<recv request="REGISTER" timeout="20000"/>
<send><![CDATA[
SIP/2.0 401 Unauthorized
[last_Via:]
[last_From:]
[last_To:];tag=[pid]r
[last_Call-ID:]
[last_CSeq:]
WWW-Authenticate: Digest realm="pbx.test", nonce="6a75626171", algorithm=MD5
Content-Length: 0

]]></send>
<recv request="REGISTER" timeout="20000">
  <action><verifyauth assign_to="authvalid" username="12377" password="s3cret"/></action>
</recv>
<nop hide="true" test="authvalid" next="good"/>
<send next="end"><![CDATA[
SIP/2.0 403 Forbidden
[last_Via:]
[last_From:]
[last_To:];tag=[pid]r
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
<label id="good"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]r
[last_Call-ID:]
[last_CSeq:]
[last_Contact:];expires=3600
Content-Length: 0

]]></send>
<recv request="REGISTER" timeout="60000"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]r
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
<label id="end"/>
</scenario>
XML
(cd "$d" && exec sipp -sf registrar.xml -p "$reg" -i 127.0.0.1 -m 1 -timeout 90 -nostdin \
    -trace_msg -message_file "$d/reg.msg" >"$d/reg.out" 2>&1) &
regpid=$!
on_exit "kill $regpid 2>/dev/null; true"
conf=$(sip_conf "$d" "sip_register_registrar = sip:127.0.0.1:$reg" \
    "sip_register_user = 12377" "sip_register_password = s3cret" "sip_register_expires = 1h")
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
wait_for -t 10 eval 'grep -q "registered to" "$SIPD_LOG"' &&
	pass "registered with digest authentication" || fail "not registered: $(grep -i regist "$SIPD_LOG")"
grep -q "^Authorization: Digest .*username=\"12377\"" "$d/reg.msg" &&
	pass "the second REGISTER carries the digest response" || fail "no Authorization header"
! grep -q "s3cret" "$SIPD_LOG" "$d/reg.msg" && pass "the password is neither logged nor sent" ||
	fail "password leaked"

scen "$d/re.xml" "" "" 13900000001 invite:0 answered pause:500 reinvite pause:300 \
    method:REFER pause:300 bye
sipp_run re "$d/re.xml"
sipp_wait re && pass "re-INVITE answered 200, REFER refused, call ended normally" ||
	{ fail "re-INVITE call failed"; diag <"$d/re.err"; }
grep -q "$(tag_of re-1@jubao.test): re-INVITE answered" "$SIPD_LOG" && pass "re-INVITE logged" || fail "re-INVITE not logged"

sipd_stop
wait "$regpid" && pass "unregistered on stop (registrar scenario complete)" ||
	fail "registrar scenario did not complete"
grep -qi "^Expires: 0\|expires=0" "$d/reg.msg" && pass "the last REGISTER has expires 0" || fail "no unregister"
finish
