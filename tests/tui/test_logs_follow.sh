#!/usr/bin/env bash
# The logs pane in tmux against the sandbox's fake Loki: follows lines
# pushed into the fake (newest at the bottom), `/` highlights and n/N move,
# `p` pauses and counts new lines, `f`/`F` filter (bad patterns say why),
# `w` wraps, h/l scroll, Enter shows the exact nanosecond timestamp.
# Every line of this test carries a label of its own: other tests and the
# fake's generated lines do not show up in its query.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env

TAG="tui-follow-$$"
P=$LOKI_PORT

# push LABELS_JSON LINE...: lines (timestamp: now) into the fake Loki.
push() {
	local labels=$1; shift
	python3 - "$P" "$labels" "$@" <<'EOF'
import json, sys, urllib.request
port, labels, lines = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
body = json.dumps({"stream": labels, "values": [["", l] for l in lines]}).encode()
req = urllib.request.Request("http://127.0.0.1:%s/__loki/push" % port, data=body,
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5).read()
EOF
}
L="{\"test\":\"$TAG\",\"app\":\"follow\"}"

# The last row that starts a log line (time first).
last_row() { tui_screen | grep -E '^│[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1; }
row_has() { last_row | grep -qF -- "$1"; }
raw_has_re() { tui_screen -e | grep -qP -- "$1"; }

cat > "$TEST_TMP/config" <<EOF
[ceres]
interval = 0.5
timeout = 3

[loki]
url = http://127.0.0.1:$P
query = {test="$TAG"}
limit = 200
EOF

# Run it through a wrapper that writes down how it exited.
cat > "$TEST_TMP/run.sh" <<EOF
#!/bin/sh
"$CERES_TOP" "\$@"
echo \$? > "$TEST_TMP/exit.code"
EOF
chmod +x "$TEST_TMP/run.sh"
CERES_TOP="$TEST_TMP/run.sh" tui_start 120 40 -c "$TEST_TMP/config"
check "console starts" tui_wait "Health" 10
tui_keys 3 z
check "logs pane zoomed, following, empty" tui_wait "no lines yet" 10
check "status says follow" tui_has "▼ follow"

push "$L" "alpha-1 first line"
check "a pushed line appears" tui_wait "alpha-1 first line" 10
lines=()
for i in $(seq 1 40); do lines+=("beta-$i payload $i"); done
push "$L" "${lines[@]}"
check "a burst arrives" tui_wait "beta-40 payload" 10
check "newest line at the bottom (follow)" row_has "beta-40 payload 40"
check "line counter counts every line" tui_wait "41 lines" 5

# Search: highlighted, pauses on the newest match, n goes to older ones.
tui_keys / ; tui_type 'beta-3'; tui_keys Enter
check "search pauses the view" tui_wait "paused" 5
check "matches are highlighted (theme highlight: yellow background)" \
	wait_for 5 raw_has_re $'\e\\[43mbeta-3'
check "status shows the search" tui_has "/beta-3"
for _ in $(seq 1 12); do tui_keys n; done
check "n walks to the oldest match, then says so" tui_wait "no older match" 5
tui_keys N
check "N goes back to newer matches without error" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'no newer match'"
tui_keys / C-u Enter
check "empty search clears the highlight" wait_for 5 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p -e | grep -qP '\e\[43m'"
tui_keys G
check "G follows again" tui_wait "▼ follow" 5

# Pause: lines keep arriving, counted, not drawn until resumed.
tui_keys p
check "p pauses" tui_wait "paused, 0 new" 5
push "$L" "gamma-1" "gamma-2" "gamma-3" "gamma-4" "gamma-5"
check "paused view counts new lines" tui_wait "paused, 5 new" 10
check "paused view does not scroll to them" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q gamma-5"
tui_keys p
check "p resumes and shows them" tui_wait "gamma-5" 5
check "resumed view has gamma-5 at the bottom" row_has "gamma-5"

# Filters.
tui_keys f; tui_type 'gamma'; tui_keys Enter
check "f shows only matching lines" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'f:gamma' && ! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'beta-'"
check "filtered view keeps all gamma lines" bash -c "for i in 1 2 3 4 5; do tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q gamma-\$i || exit 1; done"
tui_keys F; tui_type 'gamma-[12]'; tui_keys Enter
check "F hides matching lines" wait_for 5 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qE 'gamma-[12]\\b' && tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q gamma-3"
tui_keys f C-u; tui_type 'a[b'; tui_keys Enter
check "an invalid pattern says what and where" tui_wait "offset 3" 5
check "and keeps the filter that was set" tui_has "f:gamma"
tui_keys f C-u Enter
tui_keys F C-u Enter
check "empty patterns clear the filters" tui_wait "beta-40" 5

# Wrap, sideways scroll.
long="long-0123456789abcdefghijklmnopqrstuvwxyz$(printf 'x%.0s' $(seq 1 200))-THE-END"
push "$L" "$long"
check "a long line arrives" tui_wait "long-0123456789" 5
check "truncated by default" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q THE-END"
tui_keys W
check "W wraps it" tui_wait "THE-END" 5
tui_keys W
check "W again truncates" tui_wait_gone "THE-END" 5
tui_keys l
check "l scrolls sideways by 8 columns" wait_for 5 tui_has_re "[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} 3456789abcdef"
check "the start of the line is off screen" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'long-0123'"
tui_keys h
check "h scrolls back" tui_wait "long-0123456789" 5

# Enter: the whole line, its labels and the exact timestamp.
ts=$(( $(date +%s%N) - 1000 ))
python3 - "$P" "$TAG" "$ts" <<'EOF'
import json, sys, urllib.request
port, tag, ts = sys.argv[1:]
body = json.dumps({"stream": {"test": tag, "app": "follow", "pod": "p-ß"},
                   "values": [[ts, "details-line with an exact timestamp"]]}).encode()
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__loki/push" % port, data=body), timeout=5)
EOF
check "the timestamped line arrives" tui_wait "details-line" 10
tui_keys Enter
check "Enter shows the exact nanosecond timestamp" tui_wait "Timestamp: $ts ns" 5
check "and every label" tui_has "pod = p-ß"
check "and RFC 3339 time with nanoseconds" tui_has_re "Time: [0-9-]{10}T[0-9:]{8}(\.[0-9]+)?Z"
tui_keys Escape
check "Esc closes it" tui_wait_gone "Timestamp:" 5
check "still running" bash -c "! tmux -L '$TUI_SOCK' display -p -t t '#{pane_dead}' | grep -q 1"
tui_keys q
check "q quits cleanly" wait_for 5 tui_dead
exited_ok() { [ "$(cat "$TEST_TMP/exit.code" 2>/dev/null)" = 0 ]; }
check "exit status 0" wait_for 5 exited_ok
finish
