#!/bin/sh
# mkprompts.sh - make the hotline's prompts from conf/prompts.txt
#
# usage: sip/mkprompts.sh PROMPTS.TXT OUTDIR
# Each "NAME|TEXT" line becomes OUTDIR/NAME.wav, spoken by espeak-ng's
# Mandarin voice (cmn) and converted by sox to 8 kHz mono 16-bit PCM, with
# its silences trimmed and 150 ms of silence after it; beep.wav is a 425 Hz tone of 400 ms.
set -eu
txt=$1
out=$2
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$txt" | grep '|' | while IFS='|' read -r name text; do
	espeak-ng -v cmn -s 190 -w "$tmp/$name.wav" "$text"
	# leading and trailing silence trimmed, 150 ms after each prompt
	sox "$tmp/$name.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$name.wav" \
	    gain -n -3 silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse \
	    pad 0 0.15
done
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$out/beep.wav" synth 0.4 sine 425 vol 0.5
