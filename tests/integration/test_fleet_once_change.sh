#!/bin/bash
# --once --fleet text summary: the NEWEST CHANGE column.  Two sites on the
# sandbox's fake Gitea: north reads it (its row shows the newest event,
# the same as its JSON snapshot's first activity entry), south's Gitea
# refuses (its row shows "-").
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

G=http://127.0.0.1:$GITEA_PORT
trap 'curl -s -XPOST $G/__fake/reset >/dev/null' EXIT
curl -s -XPOST "$G/__fake/reset" >/dev/null
CFG=$TEST_TMP/fleet-change.conf
cat > "$CFG" <<EOF
[ceres]
interval = 1
timeout = 5
audit_log = $TEST_TMP/audit.log
state_dir = $TEST_TMP/state
[service "web"]
url = $G/
[gitea]
url = $G
repos = ceres/infra ceres/app
token_file = $SANDBOX_DIR/secrets/gitea.token
[site "north"]
service.web.url = $G/
[site "south"]
gitea.url = http://127.0.0.1:1
EOF
chmod 600 "$CFG"

"$CERES_TOP" -c "$CFG" --once --fleet --panes health,activity --format json > "$TEST_TMP/f.json" 2> "$TEST_TMP/f.err"
check "--once --fleet json: two sites" bash -c "[ \$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[\"sites\"]))' '$TEST_TMP/f.json') = 2 ]"
TITLE=$(python3 -c '
import json, sys
s = {x["site"]: x for x in json.load(open(sys.argv[1]))["sites"]}
a = s["north"]["activity"]
print(a[0]["title"][:12] if a else "")' "$TEST_TMP/f.json")
diag "north's newest change: '$TITLE'"
check "north has activity in its snapshot" [ -n "$TITLE" ]

"$CERES_TOP" -c "$CFG" --once --fleet --panes health,activity > "$TEST_TMP/f.txt" 2>&1
sed -n '/^ceres-top fleet /,$p' "$TEST_TMP/f.txt" > "$TEST_TMP/sum.txt"
diag "$(cat "$TEST_TMP/sum.txt")"
check "the summary header has NEWEST CHANGE before SUMMARY" grep -Eq '^  SITE +STATUS .* READY +NEWEST CHANGE +SUMMARY$' "$TEST_TMP/sum.txt"
check "north's row: the age and title of its newest change" \
	bash -c "grep -E '^  north ' '$TEST_TMP/sum.txt' | grep -Fq -- '$TITLE' && grep -Eq '^  north .*%? +[0-9]+[smhdw] ' '$TEST_TMP/sum.txt'"
check "south's row: no change known, '-'" grep -Eq '^  south .* +- {32}' "$TEST_TMP/sum.txt"
check "the columns line up: SUMMARY starts at the same place in every row" python3 - "$TEST_TMP/sum.txt" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()[1:]
head = lines[0]
col = head.index("SUMMARY")
rows = [l for l in lines[1:] if l.startswith("  ")]
ok = len(rows) == 2 and all(len(l) > col and l[col - 2:col] == "  " and l[col] != " " for l in rows)
sys.exit(0 if ok else 1)
EOF
finish
