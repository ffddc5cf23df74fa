#!/bin/sh
# install-deps.sh - install the Debian packages in tests/packages.txt that are missing
#
# Used by "make check" and "make demo" so that each works on a fresh Debian 12
# machine.  Installs nothing when everything is present; needs root otherwise.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=
for p in $(sed -e 's/#.*//' "$here/packages.txt"); do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install packages (run: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure itself; jubao runs its own private instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq || true
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
