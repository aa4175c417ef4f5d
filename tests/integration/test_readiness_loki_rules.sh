#!/bin/bash
# Readiness: Loki alerts on logs (observability.loki_alert_rules), from the
# Loki ruler's Prometheus-shaped /prometheus/api/v1/rules on the sandbox's
# Loki stand-in: no ruler (404), recording rules only, an alerting rule
# (pass; its name terminal-safe), an alerting rule failing to evaluate,
# a multi-tenant Loki (X-Scope-OrgID sent), a 500 (unknown, never pass);
# the assessment's Alerting item and plan phase 1 follow the check.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
fake() {	# ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$LOKI_PORT/__fake/$1" ${2:+-d "$2"} > /dev/null
}
trap 'fake reset' EXIT
fake reset
CFG=$TEST_TMP/c.conf
cp "$SANDBOX_DIR/config" "$CFG"
ID=observability.loki_alert_rules

rd_once "$CFG"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check $ID fail "Loki's ruler is not enabled (/prometheus/api/v1/rules answered HTTP 404)"
check "the Alerting item is fail with it" [ "$(item 'Alerting (Alertmanager)')" = fail ]
check "plan phase 1: 'Loki alerts on logs' is left" [ "$(plan_item 'Loki alerts on logs')" = left ]

fake state '{"rule_groups": [{"name": "rates", "rules": [{"name": "app:lines:rate5m", "type": "recording"}]}]}'
rd_once "$CFG"
expect_check $ID fail "the Loki ruler has no alerting rules (1 groups, 1 recording rules)"

fake state '{"rule_groups": [{"name": "rates", "rules": [{"name": "app:lines:rate5m", "type": "recording"}]},
  {"name": "errors", "rules": [{"name": "GiteaErrorBurst\u001b[31m", "type": "alerting",
   "query": "sum(rate({app=\"gitea\"} |= \"error\" [5m])) > 1"}]}]}'
rd_once "$CFG"
expect_check $ID pass "1 Loki alerting rules in 2 groups (GiteaErrorBurst"
check "the rule name is terminal-safe" bash -c "! grep -q $'\x1b' '$RJ'"
check "plan phase 1: 'Loki alerts on logs' is done" [ "$(plan_item 'Loki alerts on logs')" = done ]

fake state '{"rule_groups": [{"name": "errors", "rules": [{"name": "A", "type": "alerting"},
  {"name": "B", "type": "alerting", "health": "err", "lastError": "query timed out"}]}]}'
rd_once "$CFG"
expect_check $ID fail "2 Loki alerting rules, 1 fail to evaluate"

# Multi-tenant Loki: the ruler needs the tenant too.
fake state '{"org_id": "ceres", "rule_groups": [{"name": "errors", "rules": [{"name": "A", "type": "alerting"}]}]}'
rd_once "$CFG"
expect_check $ID unknown "loki ruler: HTTP 401"
sed -i "/^\[loki\]/a org_id = ceres" "$CFG"
rd_once "$CFG"
expect_check $ID pass "1 Loki alerting rules in 1 groups (A"

fake override '{"path": "/prometheus/api/v1/rules", "status": 500, "body": "rpc error: ruler unavailable\n"}'
rd_once "$CFG"
expect_check $ID unknown "loki ruler: HTTP 500 rpc error: ruler unavailable"
fake override '{"path": "/prometheus/api/v1/rules", "status": 200, "body": "{\"status\":", "content_type": "application/json"}'
rd_once "$CFG"
expect_check $ID unknown "loki ruler: invalid JSON"
finish
