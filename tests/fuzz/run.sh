#!/usr/bin/env bash
# Build every fuzz target (tests/fuzz/fuzz_<name>.c) with libFuzzer, ASan
# and UBSan, then run each for a bounded time on its seed corpus
# (tests/fuzz/corpus/<name>/).  Exits non-zero when a target crashes,
# leaks, trips UBSan or breaks a property; the input is kept in
# $FUZZ_OUT/artifacts/ and the log in $FUZZ_OUT/logs/.
#
#   tests/fuzz/run.sh [--build-only] [SECONDS] [TARGET...]
#
# SECONDS per target (default 60).  TARGET names (config, sanitize, ...)
# restrict the run.  Environment:
#   FUZZ_OUT       build and work directory (default _build-fuzz in the tree)
#   FUZZ_CONFIG_H  a configured config.h (default _build/config.h, else one
#                  is made by running configure in $FUZZ_OUT/cfg)
#   FUZZ_CC        clang (default clang)
#   FUZZ_JOBS      parallel compiles and targets run at once (default 2)
# New inputs that libFuzzer finds go to $FUZZ_OUT/work/<name>/, never into
# the seed corpus: promote a crash by copying it to
# tests/fuzz/corpus/<name>/crash-<what-it-was> (make check replays it).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUT=${FUZZ_OUT:-$SRC/_build-fuzz}
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-2}
BUILD_ONLY=0
SECONDS_EACH=60
ONLY=()

for a in "$@"; do
	case $a in
	--build-only) BUILD_ONLY=1 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*[!0-9]*) ONLY+=("$a") ;;
	*) SECONDS_EACH=$a ;;
	esac
done

die() { echo "fuzz: $*" >&2; exit 2; }
command -v "$CC" >/dev/null || die "$CC not found (Debian: clang libclang-rt-14-dev)"
mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/work" "$OUT/artifacts" "$OUT/logs" || die "cannot create $OUT"

# ---- config.h: the build's own, or a configure run of our own.
CONFIG_H=${FUZZ_CONFIG_H:-}
if [[ -z $CONFIG_H && -f $SRC/_build/config.h ]]; then CONFIG_H=$SRC/_build/config.h; fi
if [[ -z $CONFIG_H || ! -f $CONFIG_H ]]; then
	if [[ ! -f $OUT/cfg/config.h ]]; then
		[[ -x $SRC/configure ]] || (cd "$SRC" && autoreconf -fi >/dev/null 2>&1) || die "autoreconf failed"
		mkdir -p "$OUT/cfg"
		(cd "$OUT/cfg" && "$SRC/configure" >/dev/null) || die "configure failed"
	fi
	CONFIG_H=$OUT/cfg/config.h
fi

PKGS="ncursesw libcurl libcjson libpq libpcre2-8"
DEPS_CFLAGS=$(pkg-config --cflags $PKGS) || die "pkg-config $PKGS failed"
DEPS_LIBS=$(pkg-config --libs $PKGS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 -include $CONFIG_H -I$SRC/include -I$(dirname "$CONFIG_H") \
 -DLOCALEDIR=\"/usr/share/locale\" -DPKGDATADIR=\"$SRC\" -DSYSCONFDIR=\"/etc\" \
 $SAN $DEPS_CFLAGS"

# ---- the library: every source but main.c, rebuilt when it or any header
# is newer than its object.
newest_header=$(find "$SRC/include" "$CONFIG_H" -type f -printf '%T@\n' | sort -n | tail -1)
mapfile -t LIBSRC < <(cd "$SRC" && find src -name '*.c' ! -path src/main.c | sort)
stale=()
for s in "${LIBSRC[@]}"; do
	o=$OUT/obj/${s//\//_}.o
	if [[ ! -f $o || $SRC/$s -nt $o ]] || \
	   awk -v h="$newest_header" -v t="$(stat -c %Y "$o")" 'BEGIN{exit !(h > t)}'; then
		stale+=("$s")
	fi
done
if ((${#stale[@]})); then
	echo "fuzz: compiling ${#stale[@]} library sources with $CC" >&2
	export CC CFLAGS SRC OUT
	printf '%s\n' "${stale[@]}" | xargs -P "$JOBS" -I{} sh -c \
		'o="$OUT/obj/$(echo "{}" | tr / _).o"; $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$SRC/{}" -o "$o" || { rm -f "$o"; exit 1; }' \
		|| die "library build failed"
	rm -f "$OUT/libceres-fuzz.a"
fi
if [[ ! -f $OUT/libceres-fuzz.a ]]; then
	ar rcs "$OUT/libceres-fuzz.a" "$OUT"/obj/*.o || die "ar failed"
fi

# ---- the targets
mapfile -t TARGETS < <(cd "$HERE" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
if ((${#ONLY[@]})); then TARGETS=("${ONLY[@]}"); fi
for t in "${TARGETS[@]}"; do
	[[ -f $HERE/fuzz_$t.c ]] || die "no target $t (tests/fuzz/fuzz_$t.c)"
	bin=$OUT/bin/fuzz_$t
	if [[ ! -x $bin || $HERE/fuzz_$t.c -nt $bin || $HERE/fuzz.h -nt $bin || $OUT/libceres-fuzz.a -nt $bin ]]; then
		$CC $CFLAGS -DFUZZ_LIBFUZZER -fsanitize=fuzzer "$HERE/fuzz_$t.c" "$OUT/libceres-fuzz.a" \
			$DEPS_LIBS -lm -o "$bin" || die "cannot build fuzz_$t"
	fi
done
echo "fuzz: built ${#TARGETS[@]} targets in $OUT/bin" >&2
((BUILD_ONLY)) && exit 0

# ---- run each target for SECONDS_EACH
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LC_ALL=C.UTF-8
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s corpus result
# One target on its own: its result line goes to $OUT/logs/<t>.result.
run_one() {
	local t=$1 work=$OUT/work/$1 log=$OUT/logs/$1.log rc execs rate units result art
	mkdir -p "$work"
	"$OUT/bin/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" \
		"$work" "$HERE/corpus/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	units=$(find "$work" -type f | wc -l)
	if ((rc == 0)); then
		result=ok
	else
		result="CRASH (rc $rc): $(grep -m1 -E 'ERROR: |runtime error|fuzz property failed|==ERROR' "$log" | cut -c1-120)"
		art=$(ls -t "$OUT/artifacts/$t-"* 2>/dev/null | head -1)
		[[ -n $art ]] && result+=" input: $art"
	fi
	printf '%-14s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$units" "$result" > "$OUT/logs/$t.result"
}
# FUZZ_JOBS targets at a time (each is one process on one core).
running=0
for t in "${TARGETS[@]}"; do
	rm -f "$OUT/logs/$t.result"
	if ((running >= JOBS)); then wait -n; running=$((running - 1)); fi
	run_one "$t" &
	running=$((running + 1))
done
wait
failed=0
for t in "${TARGETS[@]}"; do
	if [[ -f $OUT/logs/$t.result ]]; then
		cat "$OUT/logs/$t.result"
		grep -q '  ok$' "$OUT/logs/$t.result" || failed=$((failed + 1))
	else
		printf '%-14s %12s %10s %8s  %s\n' "$t" "?" "?" "?" "no result"
		failed=$((failed + 1))
	fi
done
((failed == 0)) || { echo "fuzz: $failed target(s) failed; logs in $OUT/logs" >&2; exit 1; }
exit 0
