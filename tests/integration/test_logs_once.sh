#!/usr/bin/env bash
# ceres-top --once with the logs pane against the sandbox's fake Loki: the
# "logs" array of the JSON snapshot (ts RFC3339Nano, labels object, line),
# the newest `limit` lines in time order, sanitized; the text form without
# escape codes; a LogQL error reported as a source error (exit 1); no
# [loki] section means "not configured", not an error.
. "$(dirname "$0")/../lib/common.sh"
export LC_ALL=C.UTF-8
sandbox_env

TAG="once-$$"
P=$LOKI_PORT

# Seven lines on two streams, two of them sharing a timestamp, one hostile.
base=$(( $(date +%s%N) - 5000000000 ))
python3 - "$P" "$TAG" "$base" <<'EOF'
import json, sys, urllib.request
port, tag, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
streams = [
    {"stream": {"test": tag, "app": "alpha"},
     "values": [[str(base + 1), "line 1"], [str(base + 2), "line 2"],
                [str(base + 3), "line 3 \x1b]0;TITLE\x07 \x1b[31mred\x1b[0m \x1b[2J"],
                [str(base + 5), "line 5a"]]},
    {"stream": {"test": tag, "app": "beta", "pod": "β-1"},
     "values": [[str(base + 4), "line 4 Zürich 日本"], [str(base + 5), "line 5b"],
                [str(base + 123456789), "line 6"]]},
]
body = json.dumps({"streams": streams}).encode()
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__loki/push" % port, data=body), timeout=5)
EOF

# jcheck FILE EXPR: the Python expression over the parsed JSON (j) holds.
jcheck() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2].replace("\\\n", " ")) else 1)' "$1" "$2"; }

cfg() {  # query limit
	cat > "$TEST_TMP/config" <<EOF
[ceres]
timeout = 3

[loki]
url = http://127.0.0.1:$P
query = $1
limit = $2
since = 10m
EOF
}

cfg "{test=\"$TAG\"}" 5
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs --format json > "$TEST_TMP/out.json"
rc=$?
check "--once exits 0" test "$rc" = 0
# (Loki gives no order among lines of one timestamp in different streams.)
check "JSON snapshot has the newest 5 lines, oldest first" jcheck "$TEST_TMP/out.json" \
	'[l["line"] for l in j["logs"]][:2] == ["line 3 ␛]0;TITLE␇ red ␛[2J", "line 4 Zürich 日本"] and \
	 sorted(l["line"] for l in j["logs"][2:4]) == ["line 5a", "line 5b"] and j["logs"][4]["line"] == "line 6"'
check "ts is RFC3339Nano of the exact nanoseconds" python3 - "$TEST_TMP/out.json" "$base" <<'EOF'
import json, re, sys, datetime
j = json.load(open(sys.argv[1])); base = int(sys.argv[2])
last = j["logs"][-1]
ns = base + 123456789
assert last["ts_ns"] == str(ns), last
secs, frac = divmod(ns, 10**9)
want = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
want += ("." + ("%09d" % frac).rstrip("0")) if frac else ""
assert last["ts"] == want + "Z", (last["ts"], want)
for l in j["logs"]:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z", l["ts"]), l["ts"]
EOF
check "labels are an object of the stream's labels" jcheck "$TEST_TMP/out.json" \
	'j["logs"][1]["labels"] == {"test": "'"$TAG"'", "app": "beta", "pod": "β-1"}'
check "lines sharing a timestamp both come" jcheck "$TEST_TMP/out.json" \
	'sum(1 for l in j["logs"] if l["line"] in ("line 5a", "line 5b")) == 2'
check "no control character in any line" jcheck "$TEST_TMP/out.json" \
	'all(ord(c) >= 0x20 and not 0x7f <= ord(c) <= 0x9f for l in j["logs"] for c in l["line"])'
check "the source is listed and ok" jcheck "$TEST_TMP/out.json" \
	'[s["ok"] for s in j["sources"] if s["name"] == "loki logs"] == [True]'

"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs > "$TEST_TMP/out.txt"
check "text output has a LOGS section with the query" grep -q "^LOGS  {test=\"$TAG\"}" "$TEST_TMP/out.txt"
check "text output: one line per entry, newest last" bash -c "grep -A5 '^LOGS' \"\$1\" | tail -1 | grep -q 'line 6'" _ "$TEST_TMP/out.txt"
check "text output: compact labels per line" grep -q "{app=beta,pod=β-1} line 4 Zürich 日本" "$TEST_TMP/out.txt"
check "text output has no escape byte" bash -c "! grep -qP '[\x00-\x09\x0b-\x1f\x7f]' \"\$1\"" _ "$TEST_TMP/out.txt"

cfg "{test=\"$TAG\"} |= \"line 2\"" 100
check "a line filter in the query" bash -c "'$CERES_TOP' -c '$TEST_TMP/config' --once --panes logs --format json | python3 -c 'import json,sys; j=json.load(sys.stdin); exit(0 if [l[\"line\"] for l in j[\"logs\"]] == [\"line 2\"] else 1)'"

cfg "{test=$TAG}" 100
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs --format json > "$TEST_TMP/bad.json"
rc=$?
check "a LogQL error, the only source: exit 3 (unknown)" test "$rc" = 3
check "the source error carries Loki's message" jcheck "$TEST_TMP/bad.json" \
	'"parse error" in [s for s in j["sources"] if s["name"] == "loki logs"][0]["error"]'
check "and logs is an empty list" jcheck "$TEST_TMP/bad.json" 'j["logs"] == []'
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes health,logs > /dev/null
rc=$?
check "with Loki itself up (health row): exit 1 (a source failed)" test "$rc" = 1

printf '[ceres]\ntimeout = 2\n' > "$TEST_TMP/none"
"$CERES_TOP" -c "$TEST_TMP/none" --once --panes logs --format json > "$TEST_TMP/none.json"
rc=$?
check "no [loki] section: not an error" test "$rc" = 0
check "no [loki] section: logs is empty" jcheck "$TEST_TMP/none.json" 'j["logs"] == []'
check "no [loki] section: text says not configured" bash -c "'$CERES_TOP' -c '$TEST_TMP/none' --once --panes logs | grep -q 'Loki not configured'"

# An answer with malformed values and a malformed stream among valid lines:
# the valid ones are listed, the others counted (JSON logs_malformed, text).
bad_answer() {
	python3 - "$P" "$TAG" "$base" <<'EOF'
import json, sys, urllib.request
port, tag, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
body = ('{"status":"success","data":{"resultType":"streams","result":['
        '{"stream":{"test":"%s","app":"bad"},"values":[["%d","good one"],["x","bad ts"],["%d"],'
        '["%d","good two"]]},'
        '{"stream":{"test":"%s"},"values":[["1","a"] ["2","b"]]}]}}') % (tag, base + 1, base + 2, base + 3, tag)
o = {"path": "/loki/api/v1/query_range", "status": 200, "body": body,
     "content_type": "application/json", "times": 1}
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__fake/override" % port,
                                             data=json.dumps(o).encode()), timeout=5)
EOF
}
cfg "{test=\"$TAG\"}" 5
bad_answer
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs --format json > "$TEST_TMP/bad-values.json"
check "malformed values and streams: the valid lines are listed" jcheck "$TEST_TMP/bad-values.json" \
	'[l["line"] for l in j["logs"]] == ["good one", "good two"]'
check "... and the malformed ones counted (logs_malformed)" jcheck "$TEST_TMP/bad-values.json" \
	'j["logs_malformed"] == 3'
bad_answer
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs > "$TEST_TMP/bad-values.txt"
check "... and in the text output" grep -q "3 malformed streams or lines skipped" "$TEST_TMP/bad-values.txt"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes logs --format json > "$TEST_TMP/good.json"
check "a well-formed answer counts none" jcheck "$TEST_TMP/good.json" 'j["logs_malformed"] == 0 and len(j["logs"]) == 5'

printf '[loki]\nurl = http://127.0.0.1:%s\nsince = soon\n' "$P" > "$TEST_TMP/badsince"
"$CERES_TOP" -c "$TEST_TMP/badsince" --once --panes logs > /dev/null 2> "$TEST_TMP/err.txt"
rc=$?
check "a bad since is a config error (exit 3)" test "$rc" = 3
check "which names the key" grep -q "since" "$TEST_TMP/err.txt"
printf '[loki]\nurl = http://127.0.0.1:%s\ndelay = 0\n' "$P" > "$TEST_TMP/delay0"
check "delay = 0 is allowed" bash -c "'$CERES_TOP' -c '$TEST_TMP/delay0' --once --panes logs > /dev/null"
printf '[loki]\nurl = http://127.0.0.1:%s\ndelay = -1\n' "$P" > "$TEST_TMP/baddelay"
"$CERES_TOP" -c "$TEST_TMP/baddelay" --once --panes logs > /dev/null 2> "$TEST_TMP/err.txt"
rc=$?
check "a negative delay is a config error naming the key" bash -c "[ $rc = 3 ] && grep -q 'delay' '$TEST_TMP/err.txt'"
printf '[loki]\nurl = http://127.0.0.1:%s\nlevels_error = (oops\n' "$P" > "$TEST_TMP/badre"
check "a bad level rule is refused by --check-config" bash -c "! '$CERES_TOP' -c '$TEST_TMP/badre' --check-config >/dev/null 2>&1"
finish
