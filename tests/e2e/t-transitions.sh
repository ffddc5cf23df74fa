#!/bin/bash
# t-transitions.sh - every action from every status: allowed ones move the
# case where the workflow says, all others are refused (exit 1) and change
# nothing.  The expected table below is written from the issue's workflow,
# not from the code's table.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh

dir=$(mktestdir tr)
port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$port" "delivery_method = smtp" "smtp_relay = 127.0.0.1:9")
miltertest -D bin="$JB_MILTER" -D conf="$JB_CONF" -D port="$port" -D qid=TR1 \
    -s tests/milter/report.lua >"$dir/mt.out" 2>&1 || { fail "report: $(cat "$dir/mt.out")"; finish; }
c=$(sed -n 's/^CASE //p' "$dir/mt.out")
db="$dir/jubao.db"

# status -> the actions allowed from it, and where each goes
# (an outcome queues the feedback: the case lands in feedback_sent)
expect() {
	case "$1:$2" in
	received:accept|awaiting_materials:accept|escalated:accept|reopened:accept) echo accepted ;;
	received:reject|awaiting_materials:reject|accepted:reject|escalated:reject|reopened:reject) echo feedback_sent ;;
	received:refuse|awaiting_materials:refuse|accepted:refuse|escalated:refuse|reopened:refuse) echo feedback_sent ;;
	received:transfer|awaiting_materials:transfer|accepted:transfer|escalated:transfer|reopened:transfer) echo feedback_sent ;;
	received:escalate|accepted:escalate|reopened:escalate) echo escalated ;;
	accepted:dispose|escalated:dispose|reopened:dispose) echo feedback_sent ;;
	disposed:feedback|not_accepted:feedback|refused_malicious:feedback|transferred:feedback) echo feedback_sent ;;
	feedback_sent:close) echo closed ;;
	disposed:objection|feedback_sent:objection|closed:objection) echo reopened ;;
	disposed:reopen|not_accepted:reopen|refused_malicious:reopen|transferred:reopen|feedback_sent:reopen|closed:reopen) echo reopened ;;
	disposed:complaint|not_accepted:complaint|refused_malicious:complaint|transferred:complaint|feedback_sent:complaint|closed:complaint) echo reopened ;;
	*:complaint|*:note) echo "$1" ;;
	closed:assign) echo refused ;;
	*:assign) echo "$1" ;;
	*) echo refused ;;
	esac
}
args() {
	case $1 in
	reject|refuse) echo "--reason x" ;;
	transfer) echo "--to 公安机关" ;;
	# a removal (delete) would wait for a reviewer: t-workflow.sh
	dispose) echo "--measure warn" ;;
	note|objection|complaint) echo "--text x" ;;
	assign) echo "--to 李" ;;
	esac
}
states="received awaiting_materials accepted escalated reopened disposed not_accepted refused_malicious transferred feedback_sent closed"
actions="accept reject refuse transfer escalate dispose feedback close objection complaint reopen assign note"
bad=0; n=0
for s in $states; do
	for a in $actions; do
		# put the case in state s (an outcome state keeps its outcome)
		o=NULL
		case $s in disposed|not_accepted|refused_malicious|transferred) o="'$s'" ;;
		feedback_sent|closed) o="'disposed'" ;; esac
		sqlite3 "$db" "UPDATE cases SET status = '$s', outcome = $o, missing = 0 WHERE case_no = '$c'"
		want=$(expect "$s" "$a")
		cmd=$a; [ "$a" = refuse ] && cmd="reject --malicious"
		# shellcheck disable=SC2046
		out=$(jb_ctl --actor t $cmd $(args "$a") "$c" 2>&1); rc=$?
		got=$(sqlite3 "$db" "SELECT status FROM cases WHERE case_no = '$c'")
		n=$((n + 1))
		if [ "$want" = refused ]; then
			if [ "$rc" != 1 ] || [ "$got" != "$s" ] || [[ "$out" != *"cannot "* ]]; then
				fail "$a from $s should be refused: exit $rc, now $got: $out"; bad=$((bad + 1))
			else
				pass "$a from $s: refused"
			fi
		elif [ "$rc" != 0 ] || [ "$got" != "$want" ]; then
			fail "$a from $s should give $want: exit $rc, now $got: $out"; bad=$((bad + 1))
		else
			pass "$a from $s: $want"
		fi
	done
done
diag "$n (status, action) pairs, $bad wrong"
finish
