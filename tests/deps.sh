#!/bin/sh
# Install what building, the demo and the tests need (Debian 12, as root).
# Quick when everything is already there.
set -e
PKGS="build-essential autoconf automake autopoint gettext libtool pkg-config
libncurses-dev libcurl4-openssl-dev libcjson-dev libpq-dev libpcre2-dev libcmocka-dev
tmux python3 curl locales groff-base man-db valgrind clang libclang-rt-14-dev
prometheus prometheus-alertmanager prometheus-node-exporter postgresql redis-server caddy
redmine redmine-sqlite thin"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
set -- $missing
echo "deps: installing $# packages:$missing"
# apt and debconf talk a lot: keep it, show it only when something fails.
log=$(mktemp "${TMPDIR:-/tmp}/ceres-deps.XXXXXX")
# The Redmine package asks about its database: take the defaults (SQLite).
if ! { $SUDO apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"; } >"$log" 2>&1; then
	echo "deps: apt-get failed:" >&2
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
