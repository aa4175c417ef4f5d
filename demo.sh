#!/bin/sh
# The demo: install what is needed, build, start a sandbox of real
# services (PostgreSQL, Prometheus + node-exporter, Alertmanager, Redis,
# Caddy, Redmine) and fakes for what cannot be installed here, all on
# 127.0.0.1 in the standard Ceres layout, then open ceres-top on it.
# Quitting ceres-top stops the sandbox.  Extra arguments go to ceres-top.
set -e
cd "$(dirname "$0")"
ROOT=$PWD
tests/deps.sh
tests/build.sh
DIR=${CERES_DEMO_DIR:-/tmp/ceres-top-demo}
[ -f tests/sandbox/alerts-test-rules.yml ] && export SANDBOX_RULES="$ROOT/tests/sandbox/alerts-test-rules.yml"
[ -f tests/sandbox/demo-rules.yml ] && export SANDBOX_RULES="$ROOT/tests/sandbox/demo-rules.yml"
unset SANDBOX_PORT_BASE
tests/sandbox/sandbox.sh stop "$DIR" >/dev/null 2>&1 || true
tests/sandbox/sandbox.sh start "$DIR" all
trap 'tests/sandbox/sandbox.sh stop "$DIR" >/dev/null 2>&1' EXIT INT TERM
[ -x tests/sandbox/demo-data.sh ] && tests/sandbox/demo-data.sh "$DIR" || true
if [ -t 0 ] && [ -t 1 ]; then
	"$ROOT/_build/ceres-top" -c "$DIR/config" "$@"
else
	"$ROOT/_build/ceres-top" -c "$DIR/config" --once "$@"
fi
