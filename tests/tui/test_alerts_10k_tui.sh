#!/bin/bash
# The alerts pane with 10,000 alerts (a private Alertmanager on
# SANDBOX_PORT_BASE+531): groups fold, unfold and scroll at once, and 200
# keystrokes over the unfolded list cost little CPU, because a frame draws
# only the visible rows and the row list is rebuilt only when data or
# folding changes.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
. "$(dirname "$(dirname "$0")")/integration/alerts-lib.sh"
# Run the console through a wrapper that records its exit status (tmux's
# pane_dead_status is not reliable here); exited_ok reads and clears it.
WRAP=$TEST_TMP/wrap.sh
printf '#!/bin/sh\n"%s" "$@"\necho $? > "%s/exit"\n' "$CERES_TOP" "$TEST_TMP" > "$WRAP"
chmod +x "$WRAP"
CERES_TOP=$WRAP
exited_ok() { wait_for 5 test -s "$TEST_TMP/exit" && [ "$(cat "$TEST_TMP/exit")" = 0 ] && rm -f "$TEST_TMP/exit"; }

PORT=$((ALERTS_PORT_BASE + 31))
AM=http://127.0.0.1:$PORT
CFG=$TEST_TMP/big.conf
trap 'tui_stop; am_stop big' EXIT

printf '[ceres]\nsite = bigtui\ninterval = 60\ntimeout = 10\naudit_log = %s/audit.log\n\n[alertmanager]\nurl = %s\n' \
	"$TEST_TMP" "$AM" > "$CFG"
chmod 600 "$CFG"
check "private Alertmanager on :$PORT" am_start big "$PORT"
python3 - "$TEST_TMP/bulk.json" <<'EOF'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"labels": {"alertname": "Load%02d" % (i % 20), "severity": ["critical", "warning"][i % 2],
                       "instance": "node-%05d" % i},
            "annotations": {"summary": "load test %d" % i},
            "startsAt": f(n - datetime.timedelta(seconds=i)), "endsAt": f(n + datetime.timedelta(hours=1))}
           for i in range(10000)], open(sys.argv[1], "w"))
EOF
check "10,000 alerts posted" am_post "$AM" "$TEST_TMP/bulk.json"

tui_start 120 40 -c "$CFG"
tui_keys 2 z
check "pane shows 10000 alerts in 20 groups" tui_wait "10000 alerts · 20 groups" 20
check "groups of 500 start folded, critical first" tui_has_re "^│?▸ critical +Load00 +×500 "
pid=$(pgrep -P "$(tui_pid)" -x ceres-top)
check "measuring the console itself (pid $pid)" grep -qx ceres-top "/proc/$pid/comm"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
c0=$(cpu "$pid")
tui_keys +
check "+ unfolds every group (oldest first)" tui_wait "node-09980" 5
for i in $(seq 20); do tui_keys PageDown PageDown PageDown PageDown PageDown j j j j j; done
tui_keys G
check "G reaches the last of 10,020 rows" tui_wait "node-00019" 5
tui_keys g
check "g back to the top" wait_for 5 tui_has_re "▾ critical +Load00"
c1=$(cpu "$pid")
ticks=$((c1 - c0))
hz=$(getconf CLK_TCK)
diag "CPU for unfolding 10,000 rows and 202 moves: $ticks ticks (${hz}/s); whole run so far, with one poll of 10,000: $c1 ticks"
check "202 keystrokes over 10,000 rows: under 1 s of CPU" [ "$ticks" -lt "$hz" ]
tui_keys -
check "- folds them again" wait_for 5 tui_has_re "▸ warning +Load19 +×500 "
tui_keys q
check "q quits" wait_for 5 tui_dead
check "exit status 0" exited_ok

finish
