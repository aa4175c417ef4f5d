#!/bin/bash
# The readiness score over time, with --once rounds days apart (the clock
# of the history is CERES_TOP_TEST_NOW): three rounds with different
# answers from the Keycloak and Tempo stand-ins give three points with the
# category scores of each round and the right changes since 7 and 30 days;
# a round in the same hour replaces the point, a clock that went back
# writes nothing; the file stays bounded when fed 20,000 hourly rounds; a
# damaged file costs only its damaged lines.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
S=$TEST_TMP/state
mkdir -p "$S"
umask 077
echo "ceres-admin-token" > "$TEST_TMP/kc.token"
CFG=$TEST_TMP/ceres.conf
sed -e "/^\[ceres\]/a state_dir = $S" -e "/^\[keycloak\]/a admin_token_file = $TEST_TMP/kc.token" \
    "$SANDBOX_DIR/config" > "$CFG"
HF=$S/readiness-history-sandbox.txt
fake() { curl -fsS -XPOST "http://127.0.0.1:$1/__fake/$2" ${3:+-d "$3"} > /dev/null; }
reset_all() { fake "$KEYCLOAK_PORT" reset 2>/dev/null; fake "$TEMPO_PORT" reset 2>/dev/null; }
trap reset_all EXIT
reset_all

T3=1796000400	# a quarter past an hour
T2=$((T3 - 7 * 86400))
T1=$((T3 - 30 * 86400))
round() {	# TIME OUT
	CERES_TOP_TEST_NOW=$1 "$CERES_TOP" -c "$CFG" --once --panes readiness --format json > "$2" 2> "$TEST_TMP/err"
}
# The percent of each category and of the total as this round scored it.
pcts() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["readiness"]
p=lambda s,m: (s*200+m)//(m*2) if m else None
print(json.dumps({**{c["name"]: p(c["score"], c["max"]) for c in r["categories"]}, "total": r["percent"]}))' "$1"
}

round $T1 "$TEST_TMP/r1.json"
fake "$KEYCLOAK_PORT" state '{"totp_default": true, "brute_force": true, "clients": ["account", "grafana", "gitea", "nextcloud", "wikijs", "redmine", "mattermost"]}'
round $T2 "$TEST_TMP/r2.json"
fake "$KEYCLOAK_PORT" reset
fake "$TEMPO_PORT" state '{"ready": false}'
round $T3 "$TEST_TMP/r3.json"
P1=$(pcts "$TEST_TMP/r1.json"); P2=$(pcts "$TEST_TMP/r2.json"); P3=$(pcts "$TEST_TMP/r3.json")
diag "round 1 $P1"; diag "round 2 $P2"; diag "round 3 $P3"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
check "the stand-ins changed the scores between rounds" python3 -c 'import json,sys
a,b,c=[json.loads(x) for x in sys.argv[1:]]
assert a["security"] < b["security"] and b["security"] > c["security"], (a, b, c)
assert b["observability"] > c["observability"], (b, c)' "$P1" "$P2" "$P3"
check "three points in the file, one line each" [ "$(grep -vc '^#' "$HF")" -eq 3 ]
check "the history in the JSON: three points with each round's scores and the right changes" python3 - \
    "$TEST_TMP/r3.json" "$P1" "$P2" "$P3" $T1 $T2 $T3 <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["readiness"]["history"]
p = [json.loads(x) for x in sys.argv[2:5]]
t = [int(x) for x in sys.argv[5:8]]
assert h["points"] == 3, h["points"]
assert [x["time"] for x in h["recent"]] == t, h["recent"]
for x, want in zip(h["recent"], p):
    for k, v in want.items():
        assert x[k] == v, (k, x, want)
def ch(a, b):
    return None if a is None or b is None else b - a
for k in p[2]:
    o = h["total"] if k == "total" else h["categories"][k]
    assert o["percent"] == p[2][k], (k, o)
    assert o["change_7d"] == ch(p[1][k], p[2][k]), (k, o)
    assert o["change_30d"] == ch(p[0][k], p[2][k]), (k, o)
assert h["categories"]["security"]["change_7d"] < 0 < h["categories"]["security"]["change_30d"] + 100
PY
sec7=$(json_get "$TEST_TMP/r3.json" 'j["readiness"]["history"]["categories"]["security"]["change_7d"]')
CERES_TOP_TEST_NOW=$T3 "$CERES_TOP" -c "$CFG" --once --panes readiness --format text > "$TEST_TMP/r.txt" 2>/dev/null
check "the text output has the history line" grep -qE '^  history: [0-9]+ hourly points since 2026-' "$TEST_TMP/r.txt"
check "and the security change since 7 days ($sec7)" grep -qE "^  SECURITY .*, \\$(printf '%+d' "$sec7") in 7 days, [-+][0-9]+ in 30 days" "$TEST_TMP/r.txt"

# The same hour again: the point is replaced, not added.
fake "$TEMPO_PORT" reset
round $((T3 + 1200)) "$TEST_TMP/r4.json"
check "a round in the same hour replaces the point" python3 -c 'import json,sys
h=json.load(open(sys.argv[1]))["readiness"]["history"]
assert h["points"] == 3 and h["recent"][-1]["time"] == int(sys.argv[2]), h' "$TEST_TMP/r4.json" $((T3 + 1200))
# A clock that went back: nothing written.
cp "$HF" "$TEST_TMP/before"
round $((T1 + 3600)) "$TEST_TMP/r5.json"
check "a clock that went back writes nothing" cmp -s "$HF" "$TEST_TMP/before"

# 20,000 hourly rounds already in the file, one more round: 400 days kept.
python3 - "$HF" $T3 <<'PY'
import sys
t3 = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("# fed\n")
    for i in range(20000):
        f.write("%d %d 50 50 50 50 50 %d\n" % (t3 - (20000 - i) * 3600, i % 101, i % 97))
    f.write("garbage line\n\x1b[31m 1 2 3\n")
PY
round $((T3 + 3600)) "$TEST_TMP/r6.json"
check "bounded after 20,000 rounds: at most 400 days of hourly points" python3 - "$HF" $((T3 + 3600)) <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1]) if not l.startswith("#")]
t = [int(l[0]) for l in lines]
now = int(sys.argv[2])
assert len(lines) <= 400 * 24, len(lines)
assert len(lines) >= 400 * 24 - 1, len(lines)
assert t == sorted(t) and len(set(x // 3600 for x in t)) == len(t), "one point per hour"
assert now - t[0] <= 400 * 86400, now - t[0]
assert t[-1] == now, (t[-1], now)
assert all(len(l) == 8 for l in lines)
PY
check "the file is small ($(stat -c %s "$HF") bytes)" [ "$(stat -c %s "$HF")" -lt 400000 ]
check "the JSON counts the points" [ "$(json_get "$TEST_TMP/r6.json" 'j["readiness"]["history"]["points"]')" -le 9600 ]
check "the JSON lists at most 48 recent points" [ "$(json_get "$TEST_TMP/r6.json" 'len(j["readiness"]["history"]["recent"])')" -eq 48 ]

# An unwritable state directory: the snapshot still comes, with the error.
chmod 500 "$S"
rm -f "$HF" 2>/dev/null
round $((T3 + 7200)) "$TEST_TMP/r7.json"
rc=$?
chmod 700 "$S"
check "an unwritable state directory does not stop the snapshot (exit $rc)" [ "$rc" -le 3 ]
if [ "$(id -u)" -ne 0 ]; then
	check "and the history says why" python3 -c 'import json,sys
h=json.load(open(sys.argv[1]))["readiness"]["history"]; assert "error" in h, h' "$TEST_TMP/r7.json"
fi
finish
