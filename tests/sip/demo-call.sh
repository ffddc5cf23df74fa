# demo-call.sh - "make demo": one hotline call beside the mail (source it
# after common.sh, jubao.sh and tests/sip/sip.sh, with JB_CONF set)
#
#   sip_demo_call DIR   start jubao-sipd on the demo's store, place a SIPp
#                       call (key 1, four seconds of a tone, '#'), and print
#                       the hotline case
sip_demo_call() {
	local dir=$1 conf mailconf=$JB_CONF c
	mkdir -p "$dir/sipd"
	# one store, one key (the store refuses another), and the mail
	# side's relay: the bridge sends from the same outbox
	cp -p "$(sed -n 's/^key_file = //p' "$mailconf")" "$dir/sipd/jubao.key"
	conf=$(sip_conf "$dir/sipd" "sip_menu_timeout = 3s")
	# the same store and evidence as the mail side
	sed -i '/^store_path = /d; /^evidence_dir = /d; /^smtp_relay = /d' "$conf"
	sed -n '/^store_path = /p; /^evidence_dir = /p; /^smtp_relay = /p' "$mailconf" >>"$conf"
	sipd_start "$conf" || return 1
	JB_CONF=$mailconf
	echo "jubao-sipd: sip:12377@127.0.0.1:$SIPD_PORT"
	sox -n -r 8000 -c 1 -e u-law "$dir/sipd/tone.wav" synth 4 sine 1000 vol 0.5
	scen "$dir/sipd/call.xml" "" "热线来电" 13800138000 invite:0 answered \
	    pause:1500 key:1 pause:8000 stream:"$dir/sipd/tone.wav":0 pause:4300 \
	    key:pound pause:1000 bye
	echo "  SIPp calls 12377: greeting, key 1 (网络暴力), 4 s of audio, '#'"
	sipp_run demo "$dir/sipd/call.xml"
	if sipp_wait demo; then echo "  call completed"; else echo "  call failed"; fi
	wait_for -t 10 eval '[ -n "$(case_of demo-1@jubao.test)" ]'
	c=$(case_of demo-1@jubao.test)
	echo "  hotline case: ${c:-none}"
	sipd_stop
}
