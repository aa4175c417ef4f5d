#!/usr/bin/env bash
# ':query' in the console: Tab completes label names and values fetched
# from /loki/api/v1/labels and /label/<name>/values, a new query starts
# the tail over (line filters included), a LogQL error shows Loki's
# message, and ':query' alone says what is being tailed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env

TAG="tuiq$$"
P=$LOKI_PORT

push() {
	local labels=$1; shift
	python3 - "$P" "$labels" "$@" <<'EOF'
import json, sys, urllib.request
port, labels, lines = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
body = json.dumps({"stream": labels, "values": [["", l] for l in lines]}).encode()
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__loki/push" % port, data=body,
                       headers={"Content-Type": "application/json"}), timeout=5).read()
EOF
}
last_row() { tui_screen | grep -E '^│[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1; }
newest_is() { last_row | grep -qF -- "$1"; }

# Label values exist before the console asks for them.
push "{\"qtest\":\"$TAG\",\"svc\":\"api-$TAG\"}" "api says hello" "api needle one"
push "{\"qtest\":\"$TAG\",\"svc\":\"web-$TAG-x\"}" "web says hello" "web needle two"

cat > "$TEST_TMP/config" <<EOF
[ceres]
interval = 0.5

[loki]
url = http://127.0.0.1:$P
query = {qtest="$TAG"}
EOF

tui_start 120 40 -c "$TEST_TMP/config"
check "console starts" tui_wait "Health" 10
tui_keys 3 z
check "both streams tailed" tui_wait "web needle two" 10
check "their differing labels are shown compact" tui_has "{svc=api-$TAG}"
check "common labels once, in the status line" tui_has "{qtest=$TAG}"

tui_keys :
tui_type 'query {qte'
tui_keys Tab
check "Tab completes a label name" tui_wait ":query {qtest=\"" 5 || tui_screen | tail -3 | sed 's/^/# /'
tui_keys C-u
# Other runs' values share the beginning: type up to this run's own.
tui_type "query {qtest=\"$TAG\", svc=\"web-$TAG-"
tui_keys Tab
check "Tab completes a label value" tui_wait ":query {qtest=\"$TAG\", svc=\"web-$TAG-x\"" 5
tui_type '}'
tui_keys Enter
check "the new query is tailed" tui_wait "tailing {qtest=\"$TAG\", svc=\"web-$TAG-x\"}" 5
check "only its stream is shown" wait_for 10 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'api says hello' && tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'web says hello'"
push "{\"qtest\":\"$TAG\",\"svc\":\"web-$TAG-x\"}" "web later line"
check "and keeps following it" tui_wait "web later line" 10

tui_keys :
tui_type "query {qtest=\"$TAG\"} |= \"needle\""
tui_keys Enter
check "a line filter in the query applies" wait_for 10 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'api needle one' && ! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'says hello'"
check "the newest match is at the bottom" wait_for 5 newest_is "web needle two"

tui_keys :
tui_type 'query {qtest=oops}'
tui_keys Enter
check "a LogQL error shows Loki's message" tui_wait "query error: parse error" 10
check "and the pane is empty rather than stale" tui_has "no lines yet"

tui_keys :
tui_type "query {qtest=\"$TAG\"}"
tui_keys Enter
check "a good query recovers" tui_wait "api says hello" 10
check "and the error is gone" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'query error'"
tui_keys :
tui_type 'query'
tui_keys Enter
check ":query alone shows the query" tui_wait "query: {qtest=\"$TAG\"}" 5
finish
