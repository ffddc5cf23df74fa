#!/bin/bash
# t-install.sh - "make install DESTDIR=... PREFIX=..." puts everything in
# place, the installed configuration checks, the man pages render cleanly,
# and an existing jubao.conf is never overwritten.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh
dir=$(mktestdir install)
root="$dir/root"

if make -s install DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc >"$dir/make.log" 2>&1; then
	pass "make install DESTDIR=... PREFIX=/usr"
else
	fail "make install: $(tail -n 5 "$dir/make.log")"
	finish
fi
for f in usr/sbin/jubao-milter usr/sbin/jubaoctl \
    usr/share/man/man8/jubao-milter.8 usr/share/man/man8/jubaoctl.8 \
    usr/share/man/man5/jubao.conf.5 etc/jubao/jubao.conf etc/jubao/categories.conf \
    etc/jubao/templates/zh-CN/ack.txt etc/jubao/templates/en/ack.txt \
    etc/jubao/templates/zh-CN/supplement.txt etc/jubao/templates/en/supplement.txt \
    etc/jubao/jubao.key lib/systemd/system/jubao-milter.service; do
	[ -s "$root/$f" ] && pass "installed /$f" || fail "missing /$f"
done
[ "$(stat -c %a "$root/etc/jubao/jubao.key")" = 600 ] && pass "the key file is made 0600" ||
	fail "key mode $(stat -c %a "$root/etc/jubao/jubao.key")"
[ -x "$root/usr/sbin/jubao-milter" ] && [ -x "$root/usr/sbin/jubaoctl" ] &&
	pass "the programs are executable" || fail "programs not executable"

# the installed sample, pointed into DESTDIR, passes -n
sed -e "s|/etc/jubao|$root/etc/jubao|g" "$root/etc/jubao/jubao.conf" >"$dir/check.conf"
out=$("$root/usr/sbin/jubao-milter" -n -c "$dir/check.conf" 2>&1) &&
	pass "the installed configuration passes jubao-milter -n" || fail "-n: $out"

for m in "$root"/usr/share/man/man*/*; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l -Tutf8 "$m" 2>&1 >/dev/null)
	[ -z "$w" ] && pass "$(basename "$m") renders without warnings" ||
		fail "$(basename "$m"): $w"
done

# a second install keeps the administrator's jubao.conf and key
echo "# edited by the administrator" >>"$root/etc/jubao/jubao.conf"
sum=$(sha256sum <"$root/etc/jubao/jubao.key")
make -s install DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc >>"$dir/make.log" 2>&1
grep -q "edited by the administrator" "$root/etc/jubao/jubao.conf" &&
	pass "make install never overwrites an existing jubao.conf" ||
	fail "jubao.conf was overwritten"
[ "$(sha256sum <"$root/etc/jubao/jubao.key")" = "$sum" ] &&
	pass "nor the key" || fail "the key was replaced"
finish
