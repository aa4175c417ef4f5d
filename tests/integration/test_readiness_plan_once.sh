#!/bin/bash
# The master plan, live, against the sandbox: the phase table (items and
# checks done and left, the score when each phase is done) and the next
# step are what this test computes by hand from the checks' states and the
# assessment's plan written out below; the next step is the heaviest
# failing check of the earliest unfinished phase; giving Alertmanager a
# chat receiver (a real Alertmanager with its own config) finishes that
# check and moves the next step.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/.state
mkdir -p "$HOME"
umask 077
echo "ceres-admin-token" > "$TEST_TMP/kc.token"
CFG=$TEST_TMP/ceres.conf
sed -e "/^\[keycloak\]/a admin_token_file = $TEST_TMP/kc.token" "$SANDBOX_DIR/config" > "$CFG"
curl -fsS -XPOST "http://127.0.0.1:$KEYCLOAK_PORT/__fake/reset" > /dev/null

# The assessment's master plan, by hand: phase -> items -> checks.
cat > "$TEST_TMP/plan.json" <<'PLAN'
[[65, [["availability.alerting"], ["observability.alert_rules"],
       ["integration.alert_chat", "integration.alert_email"], ["integration.webhooks"],
       ["observability.loki_alert_rules"], ["integration.gitea_hooks"], [], ["integration.uptime_alerting"],
       ["security.audit_central", "observability.audit_log"], ["security.mfa"]]],
 [75, [[], ["security.proxy_sso"], ["availability.backups", "manageability.backup_command", "availability.restore_tested"],
       ["manageability.runbooks"], ["integration.sso_clients"], []]],
 [85, [["availability.ha_postgres", "availability.patroni"], ["availability.ha_redis", "availability.redis_sentinel"], ["availability.load_balancing"],
       ["availability.alertmanager_ha"], ["manageability.pitr"], [], [], ["availability.dr_runbook"]]],
 [95, [[], [], [], [], [], [], []]]]
PLAN
by_hand() {	# JSON -> prints the next step's id; fails when the plan differs
	python3 - "$1" "$TEST_TMP/plan.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["readiness"]
plan = json.load(open(sys.argv[2]))
checks = {c["id"]: c for k in r["categories"] for c in k["checks"]}
st = {i: c["status"] for i, c in checks.items()}
got = r["plan"]["phases"]
assert len(got) == 4, len(got)
what_if = dict(st)
next_id = None
for p, (target, items) in enumerate(plan):
    g = got[p]
    assert g["phase"] == p + 1 and g["seed_target"] == target, g
    ids = [c for it in items for c in it]
    done = sum(1 for it in items if it and all(st[c] == "pass" for c in it))
    na = sum(1 for it in items if not it)
    want = {"items_done": done, "items_left": len(items) - na - done, "items_na": na,
            "checks_done": sum(st[c] == "pass" for c in ids),
            "checks_left": sum(st[c] != "pass" for c in ids),
            "done": bool(ids) and all(st[c] == "pass" for c in ids)}
    for k, v in want.items():
        assert g[k] == v, (p + 1, k, g[k], v)
    assert [i["status"] for i in g["items"]] == \
        ["n/a" if not it else "done" if all(st[c] == "pass" for c in it) else "left" for it in items], g["items"]
    assert all(i["reason"] for i in g["items"] if i["status"] == "n/a")
    for c in ids:
        what_if[c] = "pass"
    s = sum(checks[c]["weight"] for c in checks if what_if[c] == "pass")
    m = sum(checks[c]["weight"] for c in checks if what_if[c] in ("pass", "fail"))
    assert g["percent_when_done"] == (s * 200 + m) // (m * 2), (p + 1, g["percent_when_done"], s, m)
    left = [c for c in ids if st[c] != "pass"]
    if next_id is None and left:
        # Heaviest failing first (unknown only when nothing fails), the earlier on a tie.
        best = max(left, key=lambda c: ((st[c] == "fail") * 10 + checks[c]["weight"], -ids.index(c)))
        next_id = best
        assert r["plan"]["next"]["phase"] == p + 1, r["plan"]["next"]
assert r["plan"]["next"]["id"] == next_id, (r["plan"]["next"], next_id)
n = r["plan"]["next"]
assert n["weight"] == checks[next_id]["weight"] and n["status"] == st[next_id] and n["evidence"] == checks[next_id]["evidence"]
assert n["runbook"].endswith("/runbooks/%s.md" % next_id), n["runbook"]
print(next_id)
PY
}

"$CERES_TOP" -c "$CFG" --once --panes readiness --format json > "$TEST_TMP/a.json" 2> "$TEST_TMP/err"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
next_a=$(by_hand "$TEST_TMP/a.json")
check "phase table and next step as computed by hand" [ -n "$next_a" ]
check "the sandbox's next step: Alertmanager routes to no chat (phase 1, weight 3)" [ "$next_a" = integration.alert_chat ]
check "the runbook page of the next step exists" [ -f "$TESTS_DIR/../doc/runbooks/$next_a.md" ]
"$CERES_TOP" -c "$CFG" --once --panes readiness --format text > "$TEST_TMP/a.txt" 2>/dev/null
check "text: the plan section" grep -q '^PLAN ' "$TEST_TMP/a.txt"
check "text: four phases with the score when done" [ "$(grep -cE '^  [1-4] .* -> [0-9]+% \(assessment: [0-9]+%\)' "$TEST_TMP/a.txt")" -eq 4 ]
check "text: the next step" grep -q "^  next step: phase 1, integration.alert_chat " "$TEST_TMP/a.txt"

# A real Alertmanager whose route reaches a chat webhook and e-mail.
AM_PORT=$((SANDBOX_PORT_BASE + 501))
mkdir -p "$TEST_TMP/am"
cat > "$TEST_TMP/am/am.yml" <<EOF2
route:
  receiver: chat
  group_by: [alertname]
receivers:
  - name: chat
    webhook_configs:
      - url: http://127.0.0.1:$WEBHOOK_PORT/hooks/ops
    email_configs:
      - to: ops@example.org
        from: am@example.org
        smarthost: 127.0.0.1:25
        require_tls: false
EOF2
prometheus-alertmanager --config.file="$TEST_TMP/am/am.yml" --storage.path="$TEST_TMP/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= > "$TEST_TMP/am.log" 2>&1 &
AM_PID=$!
trap 'kill $AM_PID 2>/dev/null; wait $AM_PID 2>/dev/null' EXIT
wait_for 20 curl -fsS "http://127.0.0.1:$AM_PORT/-/ready"
sed -i "/^\[alertmanager\]/,/^\[/ s|^url = .*|url = http://127.0.0.1:$AM_PORT|" "$CFG"
"$CERES_TOP" -c "$CFG" --once --panes readiness --format json > "$TEST_TMP/b.json" 2>/dev/null
check "integration.alert_chat now passes" [ "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["readiness"]
print([c["status"] for k in r["categories"] for c in k["checks"] if c["id"]=="integration.alert_chat"][0])' "$TEST_TMP/b.json")" = pass ]
next_b=$(by_hand "$TEST_TMP/b.json")
check "after the change: phase table and next step as computed by hand" [ -n "$next_b" ]
check "the next step moved ($next_a -> $next_b)" [ -n "$next_b" ] && [ "$next_b" != "$next_a" ]
check "phase 1 has more checks done" python3 -c 'import json,sys
a,b=[json.load(open(x))["readiness"]["plan"]["phases"][0] for x in sys.argv[1:]]
assert b["checks_done"] > a["checks_done"] and b["items_done"] >= a["items_done"], (a, b)' "$TEST_TMP/a.json" "$TEST_TMP/b.json"
finish
