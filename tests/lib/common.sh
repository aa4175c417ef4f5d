# Shared helpers for the shell tests: TAP output, waiting for conditions
# with a deadline (never fixed sleeps), and the sandbox's ports.
# Usage: . "$(dirname "$0")/../lib/common.sh"

T_N=0
T_FAILED=0
: "${CERES_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/_build/ceres-top}"
: "${TEST_TMP:=$(mktemp -d /tmp/ceres-test.XXXXXX)}"
export CERES_TOP TEST_TMP
# Every test has its own HOME and XDG directories: nothing it reads or
# writes (state files, config, themes) is the user's, and nothing the
# user's runs left behind reaches it.
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config \
	XDG_STATE_HOME=$TEST_TMP/home/.local/state XDG_DATA_HOME=$TEST_TMP/home/.local/share \
	XDG_CACHE_HOME=$TEST_TMP/home/.cache
unset CERES_TOP_CONFIG
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TESTS_DIR

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
diag() { echo "# $*"; }
# finish: print the plan and exit non-zero when anything failed.
finish() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; exit $?; }

# wait_for SECONDS COMMAND...: poll every 0.1 s until the command succeeds.
wait_for() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) + limit * 1000000000 ))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@" >/dev/null 2>&1
}

# sandbox_env: load ports of the running sandbox ($SANDBOX_DIR/ports.env).
sandbox_env() {
	[ -n "${SANDBOX_DIR:-}" ] && [ -f "$SANDBOX_DIR/ports.env" ] || {
		echo "Bail out! no sandbox: set SANDBOX_DIR to a started sandbox"; exit 1; }
	. "$SANDBOX_DIR/ports.env"
}

# json_get FILE PYTHON-EXPR: evaluate an expression over the parsed JSON (as j).
json_get() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
