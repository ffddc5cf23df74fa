#!/bin/bash
# t-derive.sh - each byte stored once (issue 11): jubao-milter stores the
# original message and records its attachments by hash; jubaoctl evidence
# finds each again in the original (shared/derive.c).  Over the parser's
# corpus and the hostile corpus, every attachment the parser records is
# found again (jubao-parse -D walks the original as jubaoctl does).
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh

P=${JUBAO_BUILD:-.}/tests/tools/jubao-parse
for corpus in tests/data/mail tests/data/hostile/mail; do
	k=0 n=0 files=0 missed=
	for f in "$corpus"/*; do
		[ -f "$f" ] || continue
		files=$((files + 1))
		out=$("$P" -c tests/data/jubao-test.conf -D "$f" 2>&1)
		set -- $(printf '%s\n' "$out" | sed -n 's/^derived: \([0-9]*\) of \([0-9]*\)$/\1 \2/p')
		[ $# = 2 ] || { missed="$missed $f"; continue; }
		k=$((k + $1)) n=$((n + $2))
		[ "$1" = "$2" ] || missed="$missed $f"
	done
	[ "$n" -gt 0 ] && [ "$k" = "$n" ] && [ -z "$missed" ] &&
		pass "$corpus: all $n attachments of $files messages are found again in their originals" ||
		fail "$corpus: $k of $n found; missed in:$missed"
done
finish
