#!/bin/bash
# Every item of the assessment accounted for, against the sandbox: the
# six checklist categories (11 security items, 10 in each other) and the
# ten "missing" lines of the integration matrix are each live checks (the
# item's state is the worst of theirs) or n/a with a reason; n/a items are
# shown in JSON and text and never counted in the score.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/.state
mkdir -p "$HOME"
CFG=$SANDBOX_DIR/config
"$CERES_TOP" -c "$CFG" --once --panes readiness --format json > "$TEST_TMP/s.json" 2> "$TEST_TMP/err"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
check "every checklist item and matrix line is a check or n/a with a reason" python3 - "$TEST_TMP/s.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["readiness"]
checks = {c["id"]: c for k in r["categories"] for c in k["checks"]}
items = r["items"]
per = {}
for it in items:
    per.setdefault((it["source"], it["category"]), []).append(it)
want = {"security": 11, "availability": 10, "observability": 10, "integration": 10,
        "manageability": 10, "performance": 10}
for cat, n in want.items():
    assert len(per.get(("checklist", cat), [])) == n, (cat, len(per.get(("checklist", cat), [])))
assert len(per[("matrix", "integration")]) == 10, len(per[("matrix", "integration")])
assert sum(len(v) for v in per.values()) == 71
rank = {"fail": 3, "unknown": 2, "pass": 1}
for it in items:
    assert it["title"], it
    if it["checks"]:
        assert "reason" not in it, it
        for c in it["checks"]:
            assert c in checks, (it, c)
        worst = max((checks[c]["status"] for c in it["checks"]), key=lambda s: rank[s])
        assert it["status"] == worst, (it, worst)
    else:
        assert it["status"] == "n/a" and it["reason"], it
na = [it for it in items if it["status"] == "n/a"]
assert len(na) >= 20, len(na)
titles = {it["title"] for it in items}
for t in ("DDoS protection", "User behaviour analytics", "Redmine -> chat notifications", "Tempo <-> Loki"):
    assert t in titles, t
# Not counted: the score is the checks' alone.
s = sum(c["weight"] for c in checks.values() if c["status"] == "pass")
m = sum(c["weight"] for c in checks.values() if c["status"] in ("pass", "fail"))
assert (r["score"], r["max"], r["total"]) == (s, m, len(checks)), (r["score"], r["max"], r["total"], s, m)
print(len(na), file=sys.stderr)
PY
"$CERES_TOP" -c "$CFG" --once --panes readiness --format text > "$TEST_TMP/s.txt" 2>/dev/null
nna=$(json_get "$TEST_TMP/s.json" 'sum(1 for i in j["readiness"]["items"] if i["status"] == "n/a")')
check "text: every n/a item with its reason ($nna)" [ "$(grep -cE '^    (- )?\[-\] .*: n/a, ' "$TEST_TMP/s.txt")" -eq "$nna" ]
check "text: the integration matrix section" grep -q '^  INTEGRATION MATRIX ' "$TEST_TMP/s.txt"
check "text: a matrix line proved by a check" grep -qE '^    - \[[x ?]\] Uptime Kuma -> Alertmanager: integration.uptime_alerting$' "$TEST_TMP/s.txt"
check "text: user behaviour analytics has no API to ask" grep -q '^    \[-\] User behaviour analytics: n/a, no API to ask$' "$TEST_TMP/s.txt"
check "text: Redmine -> chat is n/a, Redmine has no API for its webhooks" grep -q '^    - \[-\] Redmine -> chat notifications: n/a, Redmine has no API for it: its webhooks' "$TEST_TMP/s.txt"
check "text: the Wiki.js <-> Gitea line is proved by integration.wiki_git" \
	grep -qE '^    - \[[x ?]\] Wiki.js <-> Gitea \(git sync\): integration.wiki_git$' "$TEST_TMP/s.txt"
finish
