#!/bin/bash
# Readiness in --once against the whole sandbox: the JSON object validates
# against the shape of DESIGN section 6 and its arithmetic adds up; the
# text is the seed's checklist, measured; readiness adds only perfdata to
# the verdict; what the sandbox's real services are is what the checks say;
# no secret leaks into any output.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
CFG=$SANDBOX_DIR/config

rd_field() {	# ID FIELD
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))
c=[c for k in j["readiness"]["categories"] for c in k["checks"] if c["id"]==sys.argv[2]]
print(c[0][sys.argv[3]] if c else "missing")' "$RJ" "$1" "$2"
}

rd_once "$CFG"
rc=$?
check "--once --panes readiness exits 0 although checks fail (got $rc)" [ "$rc" -eq 0 ]
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]

# The shape of DESIGN section 6, and arithmetic that adds up.
check "readiness object validates against DESIGN section 6" python3 - "$RJ" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["readiness"]
for k in ("score", "max", "percent", "unknown", "categories"):
    assert k in r, k
for k in ("score", "max", "percent", "unknown"):
    assert isinstance(r[k], int) and not isinstance(r[k], bool) and r[k] >= 0, (k, r[k])
names = [c["name"] for c in r["categories"]]
assert names == ["security", "availability", "observability", "integration", "manageability",
                 "performance"], names
ids, score, mx, unknown = set(), 0, 0, 0
for c in r["categories"]:
    for k in ("name", "score", "max", "checks"):
        assert k in c, (c["name"], k)
    assert isinstance(c["checks"], list) and len(c["checks"]) >= 4, c["name"]
    cs = cm = 0
    for ch in c["checks"]:
        for k in ("id", "title", "status", "evidence"):
            assert isinstance(ch[k], str) and ch[k], (ch, k)
        assert ch["status"] in ("pass", "fail", "unknown"), ch
        assert ch["id"].startswith(c["name"] + "."), ch["id"]
        assert ch["id"] not in ids, ch["id"]
        ids.add(ch["id"])
        assert "\n" not in ch["evidence"] and "\x1b" not in ch["evidence"], ch
        w = ch.get("weight", 1)
        if ch["status"] == "pass":
            cs += w; cm += w
        elif ch["status"] == "fail":
            cm += w
        else:
            unknown += 1
    assert (c["score"], c["max"]) == (cs, cm), (c["name"], c["score"], c["max"], cs, cm)
    score += cs; mx += cm
assert len(ids) >= 30, len(ids)
assert (r["score"], r["max"], r["unknown"]) == (score, mx, unknown), (r, score, mx, unknown)
assert r["percent"] == (round(100 * score / mx + 1e-9) if mx else 0), r["percent"]
assert 0 < r["max"] and r["score"] < r["max"], "the sandbox is neither empty nor perfect"
EOF

# What the sandbox's real services are (see tests/sandbox/): Prometheus
# sends to both Alertmanagers, Alertmanager's only receiver is null-rcv,
# Redis and PostgreSQL run alone, Caddy has encode but no forward_auth,
# Keycloak has no admin token in the config, nobody ran a backup.
expect_check availability.alerting pass "2 active Alertmanager(s)"
expect_check integration.alert_chat fail "receivers: null-rcv"
expect_check integration.alert_email fail
expect_check availability.alertmanager_ha fail "cluster disabled"
expect_check observability.node_exporter pass "node_exporter_build_info from 1 host"
expect_check availability.ha_postgres fail "no replica"
expect_check availability.ha_redis fail "0 connected replica"
expect_check security.redis_auth fail "answered PONG"
expect_check performance.cache_limits fail "maxmemory 0"
expect_check security.password_hashing pass "scram-sha-256"
expect_check performance.compression pass "encode on 1/1"
expect_check security.proxy_sso fail "no forward_auth"
expect_check security.https fail "0/1 Caddy servers"
expect_check security.sso_oidc pass "realm ceres: issuer http://127.0.0.1:$KEYCLOAK_PORT/realms/ceres"
expect_check security.mfa unknown "no [keycloak] admin_token"
expect_check security.certificates unknown "no https:// URL"
expect_check security.secrets pass "from *_file or *_env"
expect_check integration.gitea_hooks pass "2/2 repositories"
expect_check observability.tracing pass "HTTP 200"
expect_check availability.health_checks pass "15/15"
expect_check security.audit_central fail "[audit] conninfo not set"
expect_check manageability.backup_command fail "[backup] command not set"
expect_check manageability.pitr fail "archive_mode=off: WAL is not archived"
expect_check performance.query_stats fail "pg_stat_statements not loaded"
expect_check availability.services_up pass "services up"
expect_check observability.dashboards pass "grafana: database ok"
expect_check performance.response_time pass "answer within 1 s; slowest"

# Every readiness source ran and answered.
check "one source per configured readiness backend, all ok" python3 - "$RJ" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
src = {s["name"]: s for s in j["sources"] if s["name"].startswith("readiness ")}
want = {"readiness prometheus", "readiness alertmanager", "readiness caddy",
        "readiness keycloak", "readiness loki", "readiness tempo", "readiness gitea",
        "readiness postgres", "readiness redis"}
assert want <= set(src), sorted(set(want) - set(src))
bad = [s for s in src.values() if not s["ok"]]
assert not bad, bad
assert "readiness files" not in src, "local files are not a backend source"
EOF

# Text: the seed's checklist, measured.
"$CERES_TOP" -c "$CFG" --once --panes readiness --format text > "$TEST_TMP/r.txt"
check "text has the total line" grep -qE '^READINESS [0-9]+/[0-9]+ \([0-9]+%\), [0-9]+ unknown of [0-9]+ checks$' "$TEST_TMP/r.txt"
check "text has the six categories in the seed's order" bash -c \
	"grep -oE '^  (SECURITY|AVAILABILITY|OBSERVABILITY|INTEGRATION|MANAGEABILITY|PERFORMANCE) [0-9]+/[0-9]+' '$TEST_TMP/r.txt' | awk '{print \$1}' | tr '\n' ' ' | grep -qx 'SECURITY AVAILABILITY OBSERVABILITY INTEGRATION MANAGEABILITY PERFORMANCE '"
check "text marks passes [x]" grep -qE '^    \[x\] availability\.alerting +Prometheus sends alerts to Alertmanager: ' "$TEST_TMP/r.txt"
check "text marks failures [ ]" grep -qE '^    \[ \] integration\.alert_chat ' "$TEST_TMP/r.txt"
check "text marks unknowns [?]" grep -qE '^    \[\?\] security\.mfa ' "$TEST_TMP/r.txt"
check "text has one line per check" [ "$(grep -cE '^    \[[x ?]\] ' "$TEST_TMP/r.txt")" -eq "$(json_get "$RJ" 'sum(len(c["checks"]) for c in j["readiness"]["categories"])')" ]
check "text total equals the JSON score" grep -q "^READINESS $(json_get "$RJ" 'j["readiness"]["score"]')/$(json_get "$RJ" 'j["readiness"]["max"]') " "$TEST_TMP/r.txt"
check "text has no control characters" bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$TEST_TMP/r.txt'"

# Nagios: readiness is not an outage, only perfdata.
"$CERES_TOP" -c "$CFG" --once --panes readiness --format nagios > "$TEST_TMP/n.txt"
rc=$?
check "nagios exit 0 for readiness alone (got $rc)" [ "$rc" -eq 0 ]
check "nagios perfdata has readiness_percent" grep -qE "readiness_percent=$(json_get "$RJ" 'j["readiness"]["percent"]');;;0;100" "$TEST_TMP/n.txt"

# Secrets never appear: Gitea token, Mattermost hook key.
tok=$(cat "$SANDBOX_DIR/secrets/gitea.token")
key=$(sed -n 's|.*/hooks/||p' "$SANDBOX_DIR/secrets/mm-ops.url")
"$CERES_TOP" -c "$CFG" --once --format json > "$TEST_TMP/all.json" 2>&1
"$CERES_TOP" -c "$CFG" --once --format text > "$TEST_TMP/all.txt" 2>&1
check "no secret in any --once output" bash -c "! grep -qF -e '$tok' -e '$key' '$TEST_TMP/all.json' '$TEST_TMP/all.txt' '$TEST_TMP/r.txt' '$RJ'"
check "all panes: readiness object present" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["readiness"]["total"] >= 30' "$TEST_TMP/all.json"

# Unreachable backends are unknown, never pass, and do not crash.
cat > "$TEST_TMP/dead.conf" <<EOF
[ceres]
timeout = 1
[prometheus]
url = http://127.0.0.1:9
[alertmanager]
url = http://127.0.0.1:9
[caddy]
admin_url = http://127.0.0.1:9
[postgres]
conninfo = hostaddr=127.0.0.1 port=9 dbname=x connect_timeout=1
[redis]
address = 127.0.0.1:9
[loki]
url = http://127.0.0.1:9
[tempo]
url = http://127.0.0.1:9
[keycloak]
url = http://127.0.0.1:9
health_url = http://127.0.0.1:9
EOF
rd_once "$TEST_TMP/dead.conf"
rc=$?
check "every backend unreachable: exit 3, readiness does not hide it (got $rc)" [ "$rc" -eq 3 ]
for id in availability.alerting integration.alert_chat security.https security.password_hashing \
	security.redis_auth observability.logs observability.tracing security.sso_oidc observability.alert_rules; do
	expect_check "$id" unknown
done
check "nothing passes that needs a backend" python3 -c 'import json,sys
j=json.load(open(sys.argv[1])); p=[c["id"] for k in j["readiness"]["categories"] for c in k["checks"] if c["status"]=="pass"]
assert set(p) <= {"security.secrets", "observability.audit_log"}, p' "$RJ"
finish
