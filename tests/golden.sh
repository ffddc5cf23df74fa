#!/bin/sh
# golden.sh - check the mail parser against the test corpus
#
# usage: tests/golden.sh [-c CONF] [--update] [-v] PARSE_TOOL [FILE.eml ...]
#
# For every tests/data/mail/*.eml (or the files named) that has a .expect or
# a .ref file next to it, runs
#
#     PARSE_TOOL -c CONF FILE.eml
#
# and checks its dump against the expectations in FILE.expect:
#
#   subject, category, auto, case_ref, case_named, reporter_name
#                         must equal the dump's field of that name
#   url, account, phone, missing
#                         must be one of the dump's lines of that key
#   evidence: NAME|TYPE   must match the first two fields of an evidence line
#   text-contains: X      the text after the "text:" line must contain X
#   text-lacks: X         ... must not contain X
#
# When FILE.ref exists the whole dump must equal it (golden file).  With
# --update the .ref files are (re)written from the current output instead.
# The tool exiting non-zero, or dying of a signal, is a failure.
#
# Prints "ok NAME" or "FAIL NAME: what differed" for each message and ends
# with "N passed, N failed".  Exit status 1 when anything failed.
# -v prints the tool's stderr and .ref differences in full, on stderr.
# CONF defaults to conf/jubao.conf at the top of the repository.
#
# POSIX sh; needs only grep, awk, cmp, diff, sed (no python).

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
conf=$top/conf/jubao.conf
update=0
verbose=0

usage() {
	echo "usage: $0 [-c CONF] [--update] [-v] PARSE_TOOL [FILE.eml ...]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-c) [ $# -ge 2 ] || usage; conf=$2; shift 2 ;;
	-c*) conf=${1#-c}; shift ;;
	--conf=*) conf=${1#--conf=}; shift ;;
	-u|--update) update=1; shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "$0: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
tool=$1
shift
# options may also follow the tool
while [ $# -gt 0 ]; do
	case $1 in
	-c) [ $# -ge 2 ] || usage; conf=$2; shift 2; continue ;;
	-u|--update) update=1; shift; continue ;;
	-v|--verbose) verbose=1; shift; continue ;;
	esac
	break
done

case $tool in
*/*) ;;
*) command -v "$tool" >/dev/null 2>&1 && tool=$(command -v "$tool") ;;
esac
if [ ! -x "$tool" ]; then
	echo "$0: $tool: not an executable" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0

# field KEY FILE: the value of the first "KEY: " line of FILE (empty if none);
# exit status 1 when there is no such line
field() {
	K="$1: " awk '$0 == substr(ENVIRON["K"], 1, length(ENVIRON["K"]) - 1) {
		f = 1; exit }
		index($0, ENVIRON["K"]) == 1 {
		print substr($0, length(ENVIRON["K"]) + 1); f = 1; exit }
		END { exit !f }' "$2"
}

# hasline LINE FILE: FILE has a line exactly LINE
hasline() {
	L=$1 awk '$0 == ENVIRON["L"] { f = 1; exit } END { exit !f }' "$2"
}

# hasprefix PREFIX FILE: FILE has a line starting with PREFIX
hasprefix() {
	P=$1 awk 'index($0, ENVIRON["P"]) == 1 { f = 1; exit } END { exit !f }' "$2"
}

# contains FRAGMENT FILE: FILE contains FRAGMENT (within one line)
contains() {
	grep -F -q -e "$1" "$2"
}

# short: keep a value readable in a one-line report
short() {
	printf '%s' "$1" | awk '{ s = s (NR > 1 ? "\\n" : "") $0 }
		END {
			if (length(s) > 120) {
				# cut at 117 bytes, not inside a UTF-8 sequence
				n = 117
				while (n > 0 && (c = substr(s, n + 1, 1)) >= "\200" && c < "\300")
					n--
				s = substr(s, 1, n) "..."
			}
			printf "%s", s
		}'
}

check_one() {
	eml=$1
	base=${eml%.eml}
	name=$(basename "$base")
	expect=$base.expect
	ref=$base.ref
	out=$tmp/out
	err=$tmp/err
	why=

	"$tool" -c "$conf" "$eml" >"$out" 2>"$err" </dev/null
	rc=$?
	if [ $rc -ge 128 ]; then
		why="tool crashed (exit status $rc, signal $((rc - 128)))"
	elif [ $rc -ne 0 ]; then
		msg=$(head -n 1 "$err")
		why="tool exited $rc${msg:+: $(short "$msg")}"
	fi
	if [ -n "$why" ]; then
		[ $verbose = 1 ] && sed "s/^/  $name: /" "$err" >&2
		echo "FAIL $name: $why"
		fail=$((fail + 1))
		return
	fi

	# split the dump: the fields, and the text after the first "text:" line
	if ! grep -q -x 'text:' "$out"; then
		echo "FAIL $name: no \"text:\" line in the output"
		fail=$((fail + 1))
		return
	fi
	awk '$0 == "text:" { exit } { print }' "$out" >"$tmp/head"
	awk 'f { print } $0 == "text:" { f = 1 }' "$out" >"$tmp/text"

	if [ -f "$expect" ]; then
		# read the expectations line by line (values may hold any character)
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%"$(printf '\r')"}
			case $line in
			''|'#'*) continue ;;
			*': '*) ;;
			*) why="$why; bad line in .expect: $(short "$line")"; continue ;;
			esac
			key=${line%%: *}
			val=${line#*: }
			case $key in
			subject|category|auto|case_ref|case_named|reporter_name)
				if got=$(field "$key" "$tmp/head"); then
					[ "$got" = "$val" ] ||
						why="$why; $key is \"$(short "$got")\", want \"$(short "$val")\""
				else
					why="$why; no $key, want \"$(short "$val")\""
				fi
				;;
			url|account|phone|missing)
				hasline "$key: $val" "$tmp/head" ||
					why="$why; no $key \"$(short "$val")\""
				;;
			evidence)
				hasline "evidence: $val" "$tmp/head" ||
					hasprefix "evidence: $val|" "$tmp/head" ||
					why="$why; no evidence \"$(short "$val")\""
				;;
			text-contains)
				contains "$val" "$tmp/text" ||
					why="$why; text lacks \"$(short "$val")\""
				;;
			text-lacks)
				contains "$val" "$tmp/text" &&
					why="$why; text contains \"$(short "$val")\""
				;;
			*)
				why="$why; unknown key in .expect: $(short "$key")"
				;;
			esac
		done <"$expect"
	fi

	if [ $update = 1 ]; then
		cp "$out" "$ref" || why="$why; cannot write $ref"
	elif [ -f "$ref" ] && ! cmp -s "$out" "$ref"; then
		d=$(diff "$ref" "$out" | grep '^[<>]' | head -n 2 |
			awk '{ printf "%s%s", (NR > 1 ? " / " : ""), $0 }')
		why="$why; differs from .ref ($(short "$d"))"
		[ $verbose = 1 ] && diff -u "$ref" "$out" | sed "s/^/  $name: /" >&2
	fi

	if [ -n "$why" ]; then
		echo "FAIL $name: ${why#; }"
		fail=$((fail + 1))
	else
		echo "ok $name"
		pass=$((pass + 1))
	fi
}

if [ $# -eq 0 ]; then
	set -- "$top"/tests/data/mail/*.eml
fi
for eml in "$@"; do
	[ -f "$eml" ] || { echo "FAIL $(basename "${eml%.eml}"): no such file"; fail=$((fail + 1)); continue; }
	b=${eml%.eml}
	[ -f "$b.expect" ] || [ -f "$b.ref" ] || [ $update = 1 ] || continue
	check_one "$eml"
done

if [ $((pass + fail)) -eq 0 ]; then
	echo "$0: no messages to check" >&2
	fail=1
	echo "0 passed, 0 failed"
	exit 1
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
