#!/bin/sh
# build.sh - build jubao's Debian packages from a copy of the tree
#
# usage: sh debian/build.sh [DEBDIR]    (default build/deb; "make deb")
#
# Copies the files git knows (tracked, and new ones that .gitignore does
# not exclude: what a commit of the tree would hold, never its build
# products) into a temporary directory, runs "dpkg-buildpackage -us -uc -b"
# there and moves the .deb, .buildinfo and .changes files into DEBDIR.  So
# neither the work tree nor its parent directory is written (dpkg-buildpackage
# puts its results beside the source directory: here, inside the temporary
# one).  DEB_BUILD_OPTIONS defaults to parallel=2.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/deb}
case $out in
/*) ;;
*) out=$top/$out ;;
esac
for tool in git dpkg-buildpackage dh; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "build.sh: $tool not found (apt-get install git dpkg-dev debhelper)" >&2
		exit 1
	}
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jubao-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/jubao
mkdir "$src"
# a file deleted from the work tree but still tracked is left out
(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] &&
	printf "%s\0" "$f"; done; true' sh) |
    (cd "$top" && xargs -0 -r cp -P --parents -t "$src")

export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2}"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 || {
	tail -n 40 "$tmp/build.log" >&2
	echo "build.sh: dpkg-buildpackage failed" >&2
	exit 1
}
mkdir -p "$out"
rm -f "$out"/jubao*.deb "$out"/jubao_*.buildinfo "$out"/jubao_*.changes
mv "$tmp"/*.deb "$tmp"/*.buildinfo "$tmp"/*.changes "$out"/
cp "$tmp/build.log" "$out/build.log"
ls -1 "$out"/*.deb
