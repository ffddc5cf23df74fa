# sip.sh - helpers for the hotline tests (source after common.sh and jubao.sh)
#
#   sip_conf DIR [LINE ...]        write DIR/jubao.conf for jubao-sipd, print its path
#   sipd_start CONF                start jubao-sipd -f, wait until it answers OPTIONS
#   sipd_stop / sipd_kill9         SIGTERM (wait) / SIGKILL it, by PID
#   scen OUT STEP...               write a SIPp UAC scenario (see below)
#   sipp_run NAME SCEN [USER]      run SIPp for one call in the background;
#                                  its PID in SIPP_PID[NAME], its Call-ID
#                                  NAME-1@jubao.test
#   sipp_wait NAME                 wait for it; its exit status
#   tag_of CALLID                  the tag that names a call in the store and
#                                  in log lines (a keyed hash of the Call-ID)
#   case_of CALLID                 the case number a call made ("" if none)
#   rtp_port_of CALLID             the bridge's RTP port of a call (from its log)
#   evidence_of CASE N FILE        item N of a case's evidence into FILE
#                                  (jubaoctl evidence: opened, checked, audited)
#
# Scenario steps (scen): invite[:PT[:EXTRA]] (PT 0 PCMU, 8 PCMA; EXTRA is a
# header line), pause:MS, key:K (RFC 4733 pcap K = 0-9, pound, star),
# info:K (SIP INFO application/dtmf-relay), infod:K (application/dtmf),
# stream:WAV:PT (rtp_stream), pcap:FILE (play_pcap_audio), bye, waitbye
# (the bridge hangs up), expect:CODE (a refused INVITE, then ACK), reinvite
# (the same offer again, in the dialog), method:NAME (refused: 405/501/403).

SIP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case ${JUBAO_BUILD:-} in ""|/*) ;; *) JUBAO_BUILD=$SIP_TOP/$JUBAO_BUILD ;; esac
SIPD="${JUBAO_BUILD:-$SIP_TOP}/sip/jubao-sipd"
RTPTOOL="$SIP_TOP/tests/sip/rtptool.py"
PY=/usr/bin/python3
SIPD_PID=
SIPD_PORT=
SIPD_LOG=
declare -A SIPP_PID

# sip_conf - sip_conf DIR [LINE ...]: a configuration for jubao-sipd on loopback
sip_conf() {
	local dir=${1:?sip_conf DIR} l
	shift
	SIPD_PORT=$(free_port)
	# the RTP ports reserved as any other (tests run in parallel), even
	local rtp
	rtp=$(free_port 101) || return 1
	rtp=$(( rtp + rtp % 2 ))
	mkdir -p "$dir/evidence" "$dir/rec" "$dir/spool"
	{
		echo "store_path = $dir/jubao.db"
		echo "store_busy_timeout = 5s"
		echo "evidence_dir = $dir/evidence"
		echo "spool_dir = $dir/spool"
		echo "categories_file = $SIP_TOP/conf/categories.conf"
		echo "template_dir = $SIP_TOP/conf/templates"
		echo "message_id_domain = example.cn"
		echo "site_name = 示例网"
		echo "sip_listen = sip:127.0.0.1:$SIPD_PORT"
		echo "sip_hotline_users = 12377, 12321"
		echo "sip_rtp_port_min = $rtp"
		echo "sip_rtp_port_max = $((rtp + 98))"
		echo "sip_recordings_dir = $dir/rec"
		echo "sip_prompt_dir = $SIP_TOP/conf/prompts/zh"
		echo "sip_invite_rate = 0"
		echo "delivery_method = smtp"
		echo "smtp_relay = 127.0.0.1:9"
		echo "outbox_interval = 1s"
		echo "key_file = $dir/jubao.key"
		echo "run_user ="
		jb_store_engine
		for l in "$@"; do echo "$l"; done
	} >"$dir/jubao.conf"
	JB_CONF=$dir/jubao.conf
	[ -e "$dir/jubao.key" ] || "${JUBAO_BUILD:-$SIP_TOP}/shared/jubaoctl" -c "$dir/jubao.conf" keygen >/dev/null
	printf '%s\n' "$dir/jubao.conf"
}

# sipd_up - does the bridge answer OPTIONS
sipd_up() {
	sipp -sn uac 127.0.0.1:"$SIPD_PORT" -s 12377 -m 1 -p "$(free_port)" \
	    -timeout 2 -nostdin -sf /dev/null >/dev/null 2>&1
	ss -Hlun "sport = :$SIPD_PORT" | grep -q .
}

# sipd_start - sipd_start CONF: run jubao-sipd in the foreground, in the background
sipd_start() {
	local conf=${1:?sipd_start CONF}
	JB_CONF=$conf
	SIPD_PORT=$(sed -n 's/^sip_listen = sip:127.0.0.1:\([0-9]*\).*/\1/p' "$conf")
	SIPD_LOG=$(dirname "$conf")/sipd.log
	"$SIPD" -f -v -c "$conf" >>"$SIPD_LOG" 2>&1 &
	SIPD_PID=$!
	on_exit 'sipd_stop'
	if ! wait_for -t 10 eval 'ss -Hlun "sport = :$SIPD_PORT" | grep -q .'; then
		diag "jubao-sipd did not listen on $SIPD_PORT:"
		tail -n 20 "$SIPD_LOG" | diag
		return 1
	fi
}

# sipd_stop - SIGTERM the bridge, wait until it is gone
sipd_stop() {
	[ -n "$SIPD_PID" ] || return 0
	kill -TERM "$SIPD_PID" 2>/dev/null
	local i
	for i in $(seq 1 250); do
		kill -0 "$SIPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$SIPD_PID" 2>/dev/null
	wait "$SIPD_PID" 2>/dev/null
	SIPD_PID=
}

# sipd_kill9 - SIGKILL the bridge (a crash), reap it
sipd_kill9() {
	[ -n "$SIPD_PID" ] || return 0
	kill -KILL "$SIPD_PID" 2>/dev/null
	wait "$SIPD_PID" 2>/dev/null
	SIPD_PID=
}

# scen - scen OUT CALLID FROMNAME FROMNUMBER STEP...: write a UAC scenario
scen() {
	local out=$1 cid=$2 name=$3 num=$4 step cseq=1 pt body
	shift 4
	{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<scenario name="jubao hotline test call">'
	for step in "$@"; do
		case $step in
		invite*|badsdp*|nosdp*)
			local ipt=${step#*:} extra= sdp
			[ "$ipt" = "$step" ] && ipt=0
			case $ipt in *:*) extra=${ipt#*:}; ipt=${ipt%%:*} ;; esac
			case $ipt in
			0) sdp="m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000" ;;
			8) sdp="m=audio [media_port] RTP/AVP 8 101
a=rtpmap:8 PCMA/8000" ;;
			esac
			cat <<EOF
<send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "$name" <sip:$num@[local_ip]:[local_port]>;tag=[pid]T[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:$num@[local_ip]:[local_port]>
Max-Forwards: 70
${extra:+$extra
}Content-Type: application/sdp
Content-Length: [len]

EOF
			case $step in
			badsdp:g729) printf 'v=0\no=u 1 1 IN IP4 [media_ip]\ns=-\nc=IN IP4 [media_ip]\nt=0 0\nm=audio [media_port] RTP/AVP 18\na=rtpmap:18 G729/8000\n' ;;
			badsdp*) printf 'v=0\nthis is not SDP at all\nm=audio x RTP/AVP\n' ;;
			*) printf 'v=0\no=u 1 1 IN IP4 [media_ip]\ns=-\nc=IN IP4 [media_ip]\nt=0 0\n%s\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n' "$sdp" ;;
			esac
			echo ']]></send>'
			echo '<recv response="100" optional="true"/>'
			echo '<recv response="180" optional="true"/>'
			;;
		answered)
			cat <<'EOF'
<recv response="200" rtd="true"/>
<send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
EOF
			;;
		expect:*)
			cat <<EOF
<recv response="${step#expect:}"/>
<send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
EOF
			;;
		pause:*) echo "<pause milliseconds=\"${step#pause:}\"/>" ;;
		key:*) echo "<nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/dtmf_2833_${step#key:}.pcap\"/></action></nop>" ;;
		pcap:*) echo "<nop><action><exec play_pcap_audio=\"${step#pcap:}\"/></action></nop>" ;;
		stream:*)
			local rest=${step#stream:}
			echo "<nop><action><exec rtp_stream=\"${rest%:*},1,${rest##*:}\"/></action></nop>" ;;
		info:*|infod:*|method:*)
			cseq=$((cseq + 1))
			local k=${step#*:} m=INFO ct=application/dtmf-relay b
			case $step in
			info:*) b="Signal=$k
Duration=160" ;;
			infod:*) ct=application/dtmf; b=$k ;;
			method:*) m=$k; ct=text/plain; b=x ;;
			esac
			cat <<EOF
<send retrans="500"><![CDATA[
$m sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: $cseq $m
Contact: <sip:$num@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: $ct
Content-Length: [len]

$b
]]></send>
EOF
			case $step in
			method:*) echo '<recv response="405" optional="true" next="m'$cseq'"/><recv response="501" optional="true" next="m'$cseq'"/><recv response="403"/><label id="m'$cseq'"/>' ;;
			*) echo '<recv response="200"/>' ;;
			esac
			;;
		reinvite)
			cseq=$((cseq + 1))
			cat <<EOF
<send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: $cseq INVITE
Contact: <sip:$num@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=u 1 1 IN IP4 [media_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
]]></send>
<recv response="100" optional="true"/>
<recv response="200"/>
<send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: $cseq ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
EOF
			;;
		bye)
			cseq=$((cseq + 1))
			cat <<EOF
<send retrans="500"><![CDATA[
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: $cseq BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
<recv response="200"/>
EOF
			;;
		waitbye)
			cat <<'EOF'
<recv request="BYE" timeout="90000"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
EOF
			;;
		esac
	done
	echo '<ResponseTimeRepartition value="10, 20"/>'
	echo '</scenario>'
	} >"$out"
}

# sipp_run - sipp_run NAME SCEN [USER]: one call in the background
sipp_run() {
	local name=$1 sc=$2 user=${3:-12377} dir
	dir=$(dirname "$sc")
	(cd "$dir" && exec sipp 127.0.0.1:"$SIPD_PORT" -sf "$sc" -s "$user" -m 1 \
	    -p "$(free_port)" -mp "$(free_port 4)" -i 127.0.0.1 -mi 127.0.0.1 \
	    -cid_str "$name-%u@jubao.test" -timeout 120 -nostdin -trace_err -error_file "$dir/$name.err" \
	    >"$dir/$name.out" 2>&1) &
	SIPP_PID[$name]=$!
	on_exit "kill ${SIPP_PID[$name]} 2>/dev/null; true"
}

# sipp_wait - sipp_wait NAME: wait for a call; its exit status
sipp_wait() {
	wait "${SIPP_PID[$1]}"
}

# tag_of - tag_of CALLID: "call-" and a keyed hash of the Call-ID, computed
# apart from jubao (tests/tools/jbkey.py)
tag_of() {
	$PY "$SIP_TOP/tests/tools/jbkey.py" "$(dirname "$JB_CONF")/jubao.key" call "$1"
}

# case_of - case_of CALLID: the case number of a call, "" when none
case_of() {
	jb_sql "SELECT c.case_no FROM calls l JOIN cases c ON c.id = l.case_id WHERE l.call_id = '$(tag_of "$1")'"
}

# rtp_port_of - rtp_port_of CALLID: the bridge's RTP port for a call
rtp_port_of() {
	grep -F "$(tag_of "$1"): call from" "$SIPD_LOG" | sed -n 's/.*RTP port \([0-9]*\).*/\1/p' | head -n 1
}

# evidence_of - evidence_of CASE N FILE: item N of the case's evidence
evidence_of() {
	"${JUBAO_BUILD:-$SIP_TOP}/shared/jubaoctl" -c "$JB_CONF" evidence "$1" "$2" >"$3"
}

# show - show CASE FILTER: jq-free field access with python
show() {
	"${JUBAO_BUILD:-$SIP_TOP}/shared/jubaoctl" -c "$JB_CONF" --json show --reveal "$1" 2>/dev/null |
	    $PY -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$2"
}

# settled - settled FILE: wait (at most 5 s) until FILE stops growing for
# 0.4 s: the RTP sniffer has written what it caught of a call just ended
settled() {
	local a b i
	for i in $(seq 1 12); do
		a=$(stat -c %s "$1" 2>/dev/null); sleep 0.4; b=$(stat -c %s "$1" 2>/dev/null)
		[ "$a" = "$b" ] && return 0
	done
	return 0
}

# sms_gateway_start - sms_gateway_start DIR PORT COUNT: a SIPp UAS taking COUNT
# MESSAGEs (an SMS gateway), each logged to DIR/gw.msg; its PID in GW_PID
sms_gateway_start() {
	local dir=$1 port=$2 count=$3
	cat >"$dir/gw.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="sms gateway">
<recv request="MESSAGE" timeout="600000"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]gw
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
XML
	(cd "$dir" && exec sipp -sf gw.xml -p "$port" -i 127.0.0.1 -m "$count" \
	    -timeout 900 -nostdin -trace_msg -message_file "$dir/gw.msg" \
	    >"$dir/gw.out" 2>&1) &
	GW_PID=$!
	on_exit "kill $GW_PID 2>/dev/null; true"
}
