#!/usr/bin/env bash
# Malformed streams and values in Loki's answer: the logs pane shows the
# valid lines of the answer and counts the others in its status line.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env
trap 'tui_stop' EXIT

TAG="tui-malformed-$$"
P=$LOKI_PORT
base=$(( $(date +%s%N) - 5000000000 ))

# The first query_range answer: two good lines, two malformed values and
# one stream whose values do not even frame.
python3 - "$P" "$TAG" "$base" <<'EOF'
import json, sys, urllib.request
port, tag, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
body = ('{"status":"success","data":{"resultType":"streams","result":['
        '{"stream":{"test":"%s"},"values":[["%d","%s good one"],[1,"ts not a string"],'
        '["%d","%s good two"],"not a pair"]},'
        '{"stream":{"test":"%s"},"values":[["1","a"] ["2","b"]]}]}}') % (tag, base + 1, tag, base + 2, tag, tag)
o = {"path": "/loki/api/v1/query_range", "status": 200, "body": body,
     "content_type": "application/json", "times": 1}
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__fake/override" % port,
                                             data=json.dumps(o).encode()), timeout=5)
EOF

cat > "$TEST_TMP/config" <<EOF
[ceres]
interval = 0.5

[loki]
url = http://127.0.0.1:$P
query = {test="$TAG"}
since = 10m
EOF

tui_start 160 30 -c "$TEST_TMP/config"
check "console starts" tui_wait "Health" 10
tui_keys 3 z
check "the valid lines of the answer are shown" tui_wait "$TAG good two" 10
check "... both of them" tui_has "$TAG good one"
check "the malformed ones are counted in the status line" tui_wait "malformed skipped: 3" 5
check "... and none of them is shown" bash -c '! tmux -L "$1" capture-pane -t "$2" -p | grep -q -e "not a string" -e "not a pair"' _ "$TUI_SOCK" "$TUI_SESSION"
tui_keys q
finish
