#!/usr/bin/env bash
# Every fuzz target (tests/fuzz/fuzz_*.c) built with libFuzzer, ASan and
# UBSan and run for FUZZ_SECONDS each (default 10, two at a time): no crash, leak, UB or
# broken property.  One TAP line per target with its execution count.
# Needs clang and libclang-rt-14-dev; not the sandbox.
. "$(dirname "$0")/../lib/common.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
SECS=${FUZZ_SECONDS:-10}
# Reuse the objects of earlier runs (tests/fuzz/run.sh rebuilds what changed).
export FUZZ_OUT=${FUZZ_OUT:-$ROOT/_build/fuzz}
command -v clang >/dev/null || { echo "Bail out! clang is not installed"; exit 1; }

"$ROOT/tests/fuzz/run.sh" "$SECS" > "$TEST_TMP/fuzz.txt" 2> "$TEST_TMP/fuzz.err"
rc=$?
sed 's/^/# /' "$TEST_TMP/fuzz.txt"
check "fuzz targets built" grep -q '^target ' "$TEST_TMP/fuzz.txt"
n=$(ls "$ROOT"/tests/fuzz/fuzz_*.c | wc -l)
check "a result for each of the $n targets" test "$(grep -cE '^[a-z_]+ +[0-9]+ ' "$TEST_TMP/fuzz.txt")" -eq "$n"
while read -r name execs rate units result; do
	case $result in
	ok) check "fuzz $name: $execs executions in ${SECS}s, clean" test "$execs" -gt 1000 ;;
	*) not_ok "fuzz $name: $result"; sed -n '/ERROR\|runtime error\|property failed/,+12p' "$FUZZ_OUT/logs/$name.log" | head -30 | sed 's/^/#   /' ;;
	esac
done < <(grep -E '^[a-z_]+ +[0-9]+ ' "$TEST_TMP/fuzz.txt")
check "run.sh exit status 0" test "$rc" = 0
finish
