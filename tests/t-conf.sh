#!/bin/bash
# t-conf.sh - the sample configuration, the parameter table and the man page
# agree, and "-n" names the line and key of every error.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh
dir=$(mktestdir conf)

# the sample, with its /etc paths pointed at the source tree
sed -e 's|/etc/jubao/categories.conf|conf/categories.conf|' \
    -e 's|/etc/jubao/templates|conf/templates|' \
    -e "s|/etc/jubao/jubao.key|$dir/jubao.key|" conf/jubao.conf >"$dir/sample.conf"
out=$(shared/jubaoctl -c "$dir/sample.conf" keygen 2>&1) &&
	[ "$(stat -c %a "$dir/jubao.key")" = 600 ] && pass "jubaoctl keygen makes a 0600 key file" ||
	fail "keygen: $out"
shared/jubaoctl -c "$dir/sample.conf" keygen >/dev/null 2>&1 &&
	fail "keygen replaced an existing key" || pass "keygen never replaces a key"
if out=$(milter/jubao-milter -n -c "$dir/sample.conf" 2>&1); then
	pass "jubao-milter -n accepts the sample configuration"
else
	fail "jubao-milter -n refuses the sample: $out"
fi
if shared/jubaoctl -n -c "$dir/sample.conf" >/dev/null 2>&1; then
	pass "jubaoctl -n accepts the sample configuration"
else
	fail "jubaoctl -n refuses the sample"
fi

# every parameter of the table is in the sample and in jubao.conf(5)
shared/jubaoctl -c "$dir/sample.conf" config --defaults | sed 's/ = .*//' >"$dir/params"
n=$(wc -l <"$dir/params")
[ "$n" -ge 20 ] && pass "the table has $n parameters" || fail "only $n parameters"
missing_sample= missing_man=
while read -r p; do
	grep -Eq "^#?$p =( |$)" conf/jubao.conf || missing_sample="$missing_sample $p"
	grep -Eq "(Cm |fB)$p( |,|\\\\|$)" shared/jubao.conf.5 || missing_man="$missing_man $p"
done <"$dir/params"
[ -z "$missing_sample" ] && pass "every parameter is in conf/jubao.conf" ||
	fail "not in conf/jubao.conf:$missing_sample"
[ -z "$missing_man" ] && pass "every parameter is in jubao.conf(5)" ||
	fail "not in jubao.conf(5):$missing_man"
# and the sample names nothing the table does not know (-n checked that for
# the active lines; the commented examples too)
for p in $(sed -n 's/^#\([a-z_]*\) = .*/\1/p' conf/jubao.conf); do
	grep -qx "$p" "$dir/params" || fail "conf/jubao.conf comments an unknown parameter $p"
done

# the key that seals reporters' identity must be nobody else's to read
chmod 640 "$dir/jubao.key"
out=$(milter/jubao-milter -n -c "$dir/sample.conf" 2>&1) &&
	fail "-n accepts a key file readable by its group" ||
	case $out in *"mode 0640: readable by group or others"*) pass "a key readable by group is refused" ;;
	*) fail "key 0640: $out" ;; esac
chmod 600 "$dir/jubao.key"
sed "s|$dir/jubao.key|$dir/nokey|" "$dir/sample.conf" >"$dir/nokey.conf"
out=$(milter/jubao-milter -n -c "$dir/nokey.conf" 2>&1) &&
	fail "-n accepts a missing key file" ||
	case $out in *"nokey: No such file"*) pass "a missing key file is refused" ;;
	*) fail "no key: $out" ;; esac

# errors: each named with file, line and key; exit 1
printf 'store_path = /tmp/x\nack_daily_limit = lots\nnosuch_param = 1\nlanguage = fr\n' >"$dir/bad.conf"
out=$(milter/jubao-milter -n -c "$dir/bad.conf" 2>&1); rc=$?
[ "$rc" -eq 1 ] && pass "-n on a bad file exits 1" || fail "-n exit $rc"
for want in "bad.conf:2: ack_daily_limit: bad number 'lots'" \
    "bad.conf:3: unknown parameter 'nosuch_param'" \
    "bad.conf:4: language: 'fr' is not one of zh-CN|en"; do
	case $out in
	*"$want"*) pass "-n says: $want" ;;
	*) fail "-n does not say '$want': $out" ;;
	esac
done
# the milter needs reporting mailboxes
printf 'categories_file = conf/categories.conf\ntemplate_dir = conf/templates\n' >"$dir/nomb.conf"
out=$(milter/jubao-milter -n -c "$dir/nomb.conf" 2>&1) &&
	fail "-n accepts a milter configuration without report_mailboxes" ||
	case $out in *"report_mailboxes: no reporting mailbox"*) pass "-n requires report_mailboxes" ;;
	*) fail "unexpected: $out" ;; esac
# a broken template is caught by -n, not by a reporter
mkdir -p "$dir/t/zh-CN" "$dir/t/en"
cp conf/templates/en/*.txt "$dir/t/en/"
cp conf/templates/zh-CN/*.txt "$dir/t/zh-CN/"
printf 'Subject: x {{case}}\n\n{{csae}}\n' >"$dir/t/zh-CN/ack.txt"
sed "s|conf/templates|$dir/t|" "$dir/sample.conf" >"$dir/tmpl.conf"
out=$(milter/jubao-milter -n -c "$dir/tmpl.conf" 2>&1) &&
	fail "-n accepts a template with an unknown variable" ||
	case $out in *"unknown variable 'csae'"*"zh-CN/ack.txt"*) pass "-n names the template typo" ;;
	*) fail "unexpected: $out" ;; esac
finish
