#!/usr/bin/env bash
# Honest freshness and quick recovery, against a private fake Loki that
# drops every connection for a while: the health row's "stale" age is the
# age of the last good data and keeps climbing across failed retries (it
# does not restart at each retry), the details' data age agrees, the
# header's data age names the stale source; the source backs off to at
# most [ceres] health_backoff_max, so the row is back within that time of
# the backend's return, and the readiness evidence from Loki is fetched
# again at once (not after the readiness interval and its own backoff).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 530))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake Loki did not start"; exit 1; }

cat > "$TEST_TMP/config" <<EOF2
[ceres]
site = fresh
interval = 1
timeout = 1
health_backoff_max = 3
[loki]
url = $U
[readiness]
interval = 60
EOF2
# Only the readiness evidence asks for the service_name values (the fake's
# label list has no service_name, so the logs pane never does).
RDPATH=/loki/api/v1/label/service_name/values
labels() { curl -sf "$U/__fake/requests?path=$RDPATH" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# stale_secs: the seconds of the loki row's "stale Ns"/"stale 1m05s" mark
stale_secs() {
	tui_screen | grep -oE 'stale [0-9]+[smhd]' | head -1 |
		python3 -c 'import re,sys; m=re.search(r"(\d+)([smhd])", sys.stdin.read()); print(int(m.group(1))*{"s":1,"m":60,"h":3600,"d":86400}[m.group(2)] if m else -1)'
}
# at_least AGE SECS: an age shown as "Ns" is within 2 s of SECS; one shown
# in whole minutes ("1m", from 60 s on) is SECS rounded down to a minute.
at_least() { [ "$1" -ge 0 ] && { [ "$1" -ge $(($2 - 2)) ] || { [ "$1" -ge 60 ] && [ "$1" -ge $(( ($2 - 2) / 60 * 60 )) ]; }; }; }

tui_start 160 40 -c "$TEST_TMP/config"
check "console starts" tui_wait "fresh"
check "the loki row is up" wait_for 10 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -E 'loki' | grep -qvi 'stale'"
check "header data age has no stale source" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -q 'stale:'"

# ---- Loki drops every connection
curl -sf -XPOST "$U/__fake/override" -d '{"path": "/", "prefix": true, "close": true}' > /dev/null
T0=$(date +%s)
check "the row turns stale" wait_for 15 tui_has_re 'stale [0-9]'
check "the header names the stale source" wait_for 10 tui_has_re 'data age [0-9ms]+ \(stale: loki'
# Across several failed retries (backoff 2, 3, 3 s...) the age only climbs,
# and it tells the time since the last good answer.
prev=$(stale_secs); mono=1
for i in 1 2 3 4 5 6 7 8; do
	sleep 1
	tb=$(date +%s)	# the screen read next shows an age of at least tb - T0
	cur=$(stale_secs)
	[ "$cur" -ge "$prev" ] || { mono=0; diag "stale age went from $prev to $cur"; }
	prev=$cur
done
check "stale age never restarts across retries (last $prev s)" test "$mono" = 1
elapsed=$(( tb - T0 ))
check "stale age is the age of the last good data ($prev s, $elapsed s since the drop)" at_least "$prev" "$elapsed"
tui_keys 1 g Enter
check "details open" tui_wait "consecutive failures"
td0=$(date +%s)
det=$(tui_screen | grep -oE 'data age: [0-9]+[smhd]' | head -1)
td1=$(date +%s)
diag "details: $det, row: ${prev}s"
# The details' age is the row's age plus the time since the row was read
# (shown in whole minutes from 60 s on).
check "details' data age agrees with the row's" python3 -c '
import re, sys
m = re.search(r"(\d+)([smhd])", sys.argv[1])
v = int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
lo = int(sys.argv[2]) + int(sys.argv[3]) - int(sys.argv[4]) - 3
hi = int(sys.argv[2]) + int(sys.argv[5]) - int(sys.argv[4]) + 3
if m.group(2) != "s":
    lo = lo // 60 * 60
if int(sys.argv[2]) >= 60:
    hi += 59
sys.exit(0 if lo <= v <= hi else 1)' "$det" "$prev" "$td0" "$tb" "$td1"
tui_keys Escape

# ---- Loki comes back: the row within the backoff cap, readiness at once
before=$(labels)
curl -sf -XPOST "$U/__fake/reset" > /dev/null
T1=$(date +%s%N)
check "the row is fresh again within health_backoff_max (3 s) + margin" wait_for 6 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qE 'stale [0-9]'"
diag "back after $(( ($(date +%s%N) - T1) / 1000000 )) ms"
check "the header names no stale source" wait_for 3 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -q 'stale:'"
check "readiness asked Loki again at once ($RDPATH: $before, more within 8 s; readiness interval 60 s)" \
	wait_for 8 bash -c "[ \"\$(curl -sf '$U/__fake/requests?path=$RDPATH' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" -gt $before ]"
finish
