#!/bin/bash
# t-deb.sh - the Debian packages (issue 14): they build from a clean copy of
# the tree, lintian finds no error and no warning that is not overridden
# with a reason, every unit's exposure is at most 3.0, and in a fresh
# bookworm chroot they install with apt, run the milter as its unit would
# against the chroot's Postfix, make a case of one report, upgrade keeping
# the key, the configuration and the store, and purge leaving nothing.
#
# The install test is a debootstrap'd chroot, not piuparts: piuparts makes
# its own chroot for each package and each of its install, upgrade and
# purge scenarios (minutes each here), and cannot run the milter against a
# Postfix.  This one checks the same leftovers after purge.  Measured
# here: debootstrap --variant=minbase about 30 s, apt-get install of the
# packages with Postfix and systemd about 15 s, the whole test about 1.5
# minutes; nothing is cached between runs.  The chroot shares the host's
# network: it takes the Debian mirror the host's apt uses (CI reaches only
# the Debian archive), and its Postfix listens on a free loopback port.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh
dir=$(mktestdir deb)
t0=$(date +%s)

# elapsed - seconds since T
elapsed() { echo $(($(date +%s) - $1)); }

# 1. the packages, built from the files git knows (debian/build.sh)
t=$(date +%s)
if sh debian/build.sh "$dir/debs" >"$dir/build.log" 2>&1; then
	pass "the packages build from a copy of the tree ($(elapsed "$t") s)"
else
	fail "debian/build.sh: $(tail -n 20 "$dir/build.log")"
	finish
fi
debs=
for p in jubao-common jubao-milter jubao-sipd jubao-webd; do
	f=$(ls "$dir"/debs/${p}_*.deb 2>/dev/null | head -n 1)
	if [ -n "$f" ]; then
		pass "$p is built ($(stat -c %s "$f") bytes)"
		debs="$debs $f"
	else
		fail "no $p package"
	fi
done

# 2. lintian: no error; a warning is allowed only overridden (with a reason,
# debian/*.lintian-overrides), and overridden tags are not printed
lintian --fail-on error "$dir"/debs/*.changes >"$dir/lintian.log" 2>&1
rc=$?
grep -v '^running with root privileges' "$dir/lintian.log" | diag
[ "$rc" -eq 0 ] && ! grep -q '^E:' "$dir/lintian.log" &&
	pass "lintian reports no error" || fail "lintian: errors (exit $rc)"
grep -q '^W:' "$dir/lintian.log" &&
	fail "lintian: a warning that is not overridden" ||
	pass "lintian: every warning is overridden"

# 3. the units: exposure at most 3.0 each, as shipped (conf/) and packaged
for u in conf/jubao-*.service; do
	e=$(systemd-analyze security --offline=true "$u" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$e" ] && awk -v e="$e" 'BEGIN { exit !(e <= 3.0) }'; then
		pass "$(basename "$u"): exposure $e <= 3.0"
	else
		fail "$(basename "$u"): exposure ${e:-unknown} > 3.0"
	fi
done

# 4. a fresh bookworm chroot, with the mirror the host's apt uses
mirror=
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	mirror=$(awk 'BEGIN { RS = ""; FS = "\n" }
	    {
		uris = ""; suites = ""; on = 1
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
			if ($i ~ /^Suites:/) suites = " " $i " "
			if ($i ~ /^Enabled:[ \t]*no/) on = 0
		}
		if (on && suites ~ /[ \t]bookworm[ \t]/ && uris !~ /security/) {
			split(uris, u, /[ \t]+/); print u[1]; exit
		}
	    }' "$f")
	[ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++
	    if ($2 ~ /^\[/) i++; if ($(i+1) == "bookworm") { print $i; exit } }' \
	    /etc/apt/sources.list)
fi
: "${mirror:=http://deb.debian.org/debian}"
diag "mirror: $mirror"

root=$dir/root
t=$(date +%s)
if debootstrap --variant=minbase bookworm "$root" "$mirror" >"$dir/debootstrap.log" 2>&1; then
	pass "debootstrap bookworm ($(elapsed "$t") s)"
else
	fail "debootstrap: $(tail -n 5 "$dir/debootstrap.log")"
	finish
fi

# in_root - run a command in the chroot
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# only /proc is mounted (no /dev bind: the test directory is removed with
# rm -rf at the end); it is unmounted, and every process whose root is the
# chroot stopped by its PID, before that
mount -t proc proc "$root/proc" || { fail "mount /proc in the chroot"; finish; }
on_exit 'umount "$root/proc" 2>/dev/null || umount -l "$root/proc"'
# chroot_pids - the processes running in the chroot
chroot_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$root" ] && echo "${p#/proc/}"
	done
}
stop_chroot() {
	local p
	for p in $(chroot_pids); do kill "$p" 2>/dev/null; done
	wait_for -t 5 test -z "$(chroot_pids)" && return 0
	for p in $(chroot_pids); do kill -9 "$p" 2>/dev/null; done
}
on_exit stop_chroot

# no daemon starts while packages install (no systemd runs in a chroot;
# Postfix's init script would); Postfix as an Internet site
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
printf '%s\n' "postfix postfix/main_mailer_type select Internet Site" \
    "postfix postfix/mailname string mx.example.cn" | in_root debconf-set-selections
mkdir -p "$root/tmp/debs"
cp $debs "$root/tmp/debs/"

t=$(date +%s)
if in_root sh -c 'apt-get update -q && cd /tmp/debs &&
    apt-get install -y -q --no-install-recommends ./*.deb' >"$dir/install.log" 2>&1; then
	pass "apt-get install ./*.deb in the chroot ($(elapsed "$t") s)"
else
	fail "apt-get install: $(tail -n 15 "$dir/install.log")"
	finish
fi

# what the maintainer scripts made
getent_jubao=$(in_root getent passwd jubao)
[ -n "$getent_jubao" ] && pass "the system user jubao ($getent_jubao)" || fail "no jubao user"
st() { in_root stat -c '%U:%G %a' "$1" 2>&1; }
for want in "/etc/jubao/jubao.key jubao:jubao 600" \
    "/etc/jubao/jubao.conf root:jubao 640" \
    "/var/lib/jubao jubao:jubao 750" "/var/spool/jubao jubao:jubao 750" \
    "/run/jubao jubao:jubao 750" "/var/spool/postfix/jubao jubao:postfix 2750"; do
	set -- $want
	got=$(st "$1")
	[ "$got" = "$2 $3" ] && pass "$1 is $2 $3" || fail "$1: $got, not $2 $3"
done
in_root grep -qx 'milter_socket = unix:/var/spool/postfix/jubao/milter.sock' /etc/jubao/jubao.conf &&
	pass "the packaged jubao.conf puts the socket in Postfix's chroot" ||
	fail "packaged milter_socket: $(in_root grep '^milter_socket' /etc/jubao/jubao.conf)"
for u in jubao-milter jubao-sipd jubao-webd; do
	[ -L "$root/etc/systemd/system/multi-user.target.wants/$u.service" ] &&
		pass "$u.service is enabled" || fail "$u.service is not enabled"
done
cf=$(in_root dpkg-query -W -f='${Conffiles}\n' jubao-common | awk 'NF { print $1 }')
echo "$cf" | grep -qx /etc/jubao/jubao.conf && echo "$cf" | grep -qx /etc/jubao/categories.conf &&
	pass "/etc/jubao files are conffiles ($(echo "$cf" | wc -l))" || fail "conffiles: $cf"
id_postfix=$(in_root id -nG postfix)
case " $id_postfix " in
*" jubao "*) fail "postfix was put in the group jubao (it may read the store)" ;;
*) pass "postfix reaches the socket by its directory's group, not the group jubao" ;;
esac

# Postfix in the chroot: the lines jubao-postfix-config prints, smtpd on
# a free loopback port, anything relayed discarded
port=$(free_port)
in_root jubao-postfix-config >"$dir/main.cf.lines" 2>&1 &&
	grep -qx 'smtpd_milters = unix:/jubao/milter.sock' "$dir/main.cf.lines" &&
	pass "jubao-postfix-config prints smtpd_milters = unix:/jubao/milter.sock" ||
	fail "jubao-postfix-config: $(cat "$dir/main.cf.lines")"
grep -v '^#' "$dir/main.cf.lines" | while read -r line; do
	in_root postconf -e "$line"
done
in_root postconf -e inet_interfaces=127.0.0.1 inet_protocols=ipv4 \
    mydestination=localhost default_transport=discard \
    maillog_file=/var/log/postfix.log
in_root postconf -M# smtp/inet
in_root postconf -Me "127.0.0.1:$port/inet=127.0.0.1:$port inet n - y - - smtpd"
# the outbox's relay (acknowledgements): the chroot's Postfix
in_root sed -i "s/^smtp_relay = .*/smtp_relay = 127.0.0.1:$port/" /etc/jubao/jubao.conf
if in_root postfix start >"$dir/postfix.log" 2>&1 && wait_port "$port"; then
	pass "Postfix starts in the chroot on 127.0.0.1:$port"
else
	fail "postfix start: $(cat "$dir/postfix.log" "$root/var/log/postfix.log" 2>/dev/null | tail -n 5)"
	finish
fi
on_exit 'in_root postfix stop >/dev/null 2>&1 || true'

# the milter as its unit starts it: ExecStart, User=, Group=, UMask=
unit=$root/lib/systemd/system/jubao-milter.service
exe=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
group=$(sed -n 's/^Group=//p' "$unit")
mask=$(sed -n 's/^UMask=//p' "$unit")
[ "$user" = jubao ] && [ -n "$exe" ] && pass "the unit runs \"$exe\" as $user:$group, umask $mask" ||
	fail "the unit: User=$user ExecStart=$exe"
# shellcheck disable=SC2086
(umask "$mask" && exec chroot --userspec="$user:$group" "$root" \
    env -i PATH=/usr/sbin:/usr/bin LC_ALL=C.UTF-8 $exe) >"$dir/milter.log" 2>&1 &
mpid=$!
on_exit "kill $mpid 2>/dev/null || true"
sock=$root/var/spool/postfix/jubao/milter.sock
if wait_for test -S "$sock"; then
	pass "jubao-milter listens on /var/spool/postfix/jubao/milter.sock"
else
	fail "no socket: $(cat "$dir/milter.log")"
	finish
fi
got=$(in_root stat -c '%G %a' /var/spool/postfix/jubao/milter.sock)
[ "$got" = "postfix 770" ] &&
	pass "the socket is group postfix, 770" || fail "socket: $got"

# one report through Postfix: a case
swaks --server "127.0.0.1:$port" --from reporter@example.org --to jubao@example.cn \
    --header 'Subject: 举报 赌博网站' --body '网址 http://gamble.example.net/ 是赌博网站' \
    >"$dir/swaks.log" 2>&1 && pass "Postfix takes a report" ||
	fail "swaks: $(tail -n 5 "$dir/swaks.log")"
case_made() { in_root jubaoctl list 2>/dev/null | grep -q ' email '; }
if wait_for -t 15 case_made; then
	pass "a case is made: $(in_root jubaoctl list | sed -n 2p | awk '{ print $1, $2, $4 }')"
else
	fail "no case: $(tail -n 5 "$dir/milter.log")"
fi
grep -q 'running as uid' "$dir/milter.log" && diag "$(head -n 1 "$dir/milter.log")"
[ "$(in_root stat -c %U /var/lib/jubao/jubao.db)" = jubao ] &&
	pass "the store is jubao's" || fail "store owner $(in_root stat -c %U /var/lib/jubao/jubao.db)"

kill "$mpid" 2>/dev/null
wait_for -t 10 eval '! pid_alive $mpid' && pass "the milter stops on SIGTERM" ||
	fail "the milter still runs"

# an upgrade (the same packages, version +1) keeps the key, the
# administrator's jubao.conf, the store and its cases
key_sum=$(sha256sum <"$root/etc/jubao/jubao.key")
echo "# edited by the administrator" >>"$root/etc/jubao/jubao.conf"
ver=$(dpkg-deb -f "$dir"/debs/jubao-common_*.deb Version)
mkdir -p "$root/tmp/up"
for f in $debs; do
	x=$dir/up.$(basename "$f" .deb)
	dpkg-deb -R "$f" "$x"
	sed -i -e "s/^Version: .*/Version: $ver+up1/" -e "s/(= $ver)/(= $ver+up1)/g" "$x/DEBIAN/control"
	dpkg-deb -b "$x" "$root/tmp/up/" >/dev/null
done
if in_root sh -c 'cd /tmp/up && apt-get install -y -q ./*.deb' >"$dir/upgrade.log" 2>&1; then
	pass "an upgrade to $ver+up1 installs"
else
	fail "upgrade: $(tail -n 10 "$dir/upgrade.log")"
fi
[ "$(sha256sum <"$root/etc/jubao/jubao.key")" = "$key_sum" ] &&
	pass "the upgrade keeps the key" || fail "the upgrade replaced the key"
grep -q "edited by the administrator" "$root/etc/jubao/jubao.conf" &&
	pass "the upgrade keeps the administrator's jubao.conf" || fail "jubao.conf overwritten"
[ "$(st /etc/jubao/jubao.conf)" = "root:jubao 640" ] &&
	pass "jubao.conf stays root:jubao 640" || fail "jubao.conf: $(st /etc/jubao/jubao.conf)"
case_made && pass "the upgrade keeps the store and its case" || fail "the case is gone"

in_root postfix stop >/dev/null 2>&1
stop_chroot
[ -z "$(chroot_pids)" ] && pass "nothing runs in the chroot" ||
	fail "still running in the chroot: $(chroot_pids)"

# purge: nothing of jubao's is left (the user stays, as Debian's do)
if in_root apt-get purge -y -q jubao-common jubao-milter jubao-sipd jubao-webd \
    >"$dir/purge.log" 2>&1; then
	pass "apt-get purge"
else
	fail "purge: $(tail -n 10 "$dir/purge.log")"
fi
grep 'purge: removed' "$dir/purge.log" | diag
grep -q 'purge: removed the key /etc/jubao/jubao.key' "$dir/purge.log" &&
	pass "purge says that it removed the key" || fail "purge said nothing of the key"
left=
for p in /etc/jubao /var/lib/jubao /var/spool/jubao /run/jubao /var/spool/postfix/jubao \
    /usr/sbin/jubaoctl /usr/lib/tmpfiles.d/jubao-common.conf; do
	[ -e "$root$p" ] && left="$left $p"
done
left="$left $(cd "$root" && find etc/systemd var/lib/systemd -name 'jubao*' 2>/dev/null | tr '\n' ' ')"
left="$left $(in_root dpkg-statoverride --list | grep jubao)"
left="$left $(in_root dpkg-query -W -f='${Package} ${Status}\n' 'jubao*' 2>/dev/null | grep -v 'not-installed')"
left=$(echo "$left" | tr -s ' ' | sed 's/^ //; s/ $//')
[ -z "$left" ] && pass "purge leaves nothing of jubao's" || fail "left after purge: $left"

pass "t-deb took $(elapsed "$t0") s"
finish
