#!/bin/sh
# The demo: install what is needed, build, start a sandbox of real
# services (PostgreSQL, Prometheus + node-exporter, Alertmanager, Redis,
# Caddy, Redmine) and stand-ins for what cannot be installed here, all on
# 127.0.0.1 in the standard Ceres layout, put the demo's story into it
# (tests/sandbox/demo_data.py), then open ceres-top on it.
#
#   ./demo.sh [--keep] [CERES-TOP OPTIONS...]
#
# Extra arguments go to ceres-top (e.g. --theme noc, --read-only).  Without
# a terminal, it waits for the first alert rule evaluation and prints the
# `ceres-top --once` snapshot instead (exit status 0/1/2/3 as ceres-top's).
# Everything lives in $CERES_DEMO_DIR (default /tmp/ceres-top-demo): the
# services' data, the config, the secrets and ceres-top's state.  Each run
# starts afresh and quitting removes it all; with --keep the directory is
# kept (and a kept one is reused by the next --keep run).
set -e
cd "$(dirname "$0")"
ROOT=$PWD
KEEP=0
if [ "${1:-}" = --keep ]; then KEEP=1; shift; fi
DIR=${CERES_DEMO_DIR:-/tmp/ceres-top-demo}
LOG=${TMPDIR:-/tmp}/ceres-top-demo.$$.log
say() { echo "demo: $*" >&2; }
fail() {  # what : show the log of the failed step
	say "$1 failed:"
	cat "$LOG" >&2
	rm -f "$LOG"
	exit 1
}

tests/deps.sh >&2 || exit 1   # says what it installs; apt's output only on failure
say "building ceres-top"
tests/build.sh >"$LOG" 2>&1 || fail "building"

tests/sandbox/sandbox.sh stop "$DIR" >/dev/null 2>&1 || true
[ "$KEEP" = 1 ] || rm -rf "$DIR"
export SANDBOX_RULES="$ROOT/tests/sandbox/demo-rules.yml" SANDBOX_PROFILE=demo
unset SANDBOX_PORT_BASE
cleanup() {
	tests/sandbox/sandbox.sh stop "$DIR" >/dev/null 2>&1 || true
	[ "$KEEP" = 1 ] || rm -rf "$DIR"
	rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
say "starting $(tests/sandbox/sandbox.sh services | wc -w) services"
tests/sandbox/sandbox.sh start "$DIR" all >"$LOG" 2>&1 || fail "starting the services"
. "$DIR/ports.env"
python3 tests/sandbox/demo_data.py "$DIR" >"$LOG" 2>&1 || fail "loading the demo data"

# The demo's own settings: ceres-top's state in the demo directory (no
# other run's backup or webhook state), a backup command against the
# sandbox's PostgreSQL, and a webhook route to the generic receiver.
if ! grep -q '^state_dir = ' "$DIR/config"; then
	umask 077
	echo "http://127.0.0.1:$WEBHOOK_PORT/hooks/oncall" > "$DIR/secrets/oncall.url"
	sed -i "s|^\[ceres\]\$|[ceres]\nstate_dir = $DIR/state|" "$DIR/config"
	cat >> "$DIR/config" <<CONF

[webhook "oncall"]
kind = generic
url_file = $DIR/secrets/oncall.url

[backup]
command = $ROOT/doc/examples/ceres-backup -k 7
timeout = 120
retention_days = 7
CONF
fi

# ceres-backup reaches the sandbox's PostgreSQL through the libpq environment.
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres CERES_BACKUP_DIR="$DIR/backups"

if [ -t 0 ] && [ -t 1 ]; then
	say "ready"
	set +e
	"$ROOT/_build/ceres-top" -c "$DIR/config" "$@"
	exit $?
fi
# No terminal: wait until Alertmanager has the alerts of the first rule
# evaluation, so the snapshot tells the story.
say "ready; waiting for the first alert rule evaluation"
i=0
am_has() {  # alertname state
	curl -fsS --max-time 2 "http://127.0.0.1:$AM_PORT/api/v2/alerts?filter=alertname=%22$1%22" 2>/dev/null |
		grep -q "\"state\":\"$2\""
}
until am_has DatabaseConnectionPoolExhausted active && am_has TLSCertificateExpiresSoon suppressed; do
	i=$((i + 1))
	if [ $i -gt 120 ]; then say "no alert after 60 s (continuing)"; break; fi
	sleep 0.5
done
set +e
"$ROOT/_build/ceres-top" -c "$DIR/config" --once "$@"
