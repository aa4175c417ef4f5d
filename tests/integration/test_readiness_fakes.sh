#!/bin/bash
# Readiness against the sandbox's fakes for what Debian does not package:
# Keycloak (discovery, admin API with a bearer token: required actions,
# browser flow, brute force, clients), Gitea (repository hooks), Loki
# (label values), Tempo (/ready), Uptime Kuma (status page).  Each fake is
# reset to its defaults when the test ends.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env

fake() {	# PORT ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$1/__fake/$2" ${3:+-d "$3"} > /dev/null
}
reset_all() {
	local p
	for p in "$KEYCLOAK_PORT" "$GITEA_PORT" "$LOKI_PORT" "$TEMPO_PORT" "$KUMA_PORT" "$GRAFANA_PORT"; do
		fake "$p" reset 2>/dev/null
	done
}
trap reset_all EXIT
reset_all

# The sandbox config plus an admin token for Keycloak.
umask 077
echo "ceres-admin-token" > "$TEST_TMP/kc.token"
with_token() {	# TOKEN-FILE [REALM]
	sed -e "/^\[keycloak\]/a admin_token_file = $1" "$SANDBOX_DIR/config" > "$TEST_TMP/kc.conf"
	[ -n "${2:-}" ] && sed -i "s/^realm = ceres$/realm = $2/" "$TEST_TMP/kc.conf"
	return 0
}
with_token "$TEST_TMP/kc.token"
CFG=$TEST_TMP/kc.conf

# --- Keycloak ------------------------------------------------------------
rd_once "$SANDBOX_DIR/config"
expect_check security.mfa unknown "no [keycloak] admin_token"
rd_once "$CFG"
expect_check security.sso_oidc pass "realm ceres: issuer http://127.0.0.1:$KEYCLOAK_PORT/realms/ceres, authorization code flow, PKCE S256"
expect_check security.mfa fail "OTP not enforced (CONFIGURE_TOTP enabled, not a default action; browser flow asks only users who set OTP up)"
expect_check security.brute_force fail "bruteForceProtected=false"
expect_check integration.sso_clients fail "4/6 applications have a client; missing: redmine, mattermost"
check "the admin token was sent as a bearer token" bash -c \
	"curl -fsS 'http://127.0.0.1:$KEYCLOAK_PORT/__fake/requests?path=/admin/realms/ceres' | grep -q 'Bearer ceres-admin-token'"
check "the discovery request carried no token" python3 -c 'import json,sys,urllib.request
r=json.load(urllib.request.urlopen("http://127.0.0.1:%s/__fake/requests?path=/realms/ceres/.well-known/openid-configuration" % sys.argv[1]))
assert r and all("authorization" not in {k.lower() for k in q["headers"]} for q in r), r' "$KEYCLOAK_PORT"
check "the token appears in no output" bash -c "! grep -q ceres-admin-token '$RJ'"

fake "$KEYCLOAK_PORT" state '{"totp_default": true, "brute_force": true, "clients": ["account", "grafana", "gitea", "nextcloud", "wikijs", "redmine", "mattermost"]}'
rd_once "$CFG"
expect_check security.mfa pass "realm ceres: OTP required action enabled and a default action for new users"
expect_check security.brute_force pass "bruteForceProtected=true"
expect_check integration.sso_clients pass "every application has a client"
fake "$KEYCLOAK_PORT" state '{"totp_default": false, "otp_required": true, "browser_flow": "browser mit OTP"}'
rd_once "$CFG"
expect_check security.mfa pass "browser flow browser mit OTP requires an OTP/WebAuthn step"
fake "$KEYCLOAK_PORT" state '{"admin_forbidden": true}'
rd_once "$CFG"
expect_check security.mfa unknown "HTTP 403"
expect_check security.brute_force unknown "HTTP 403"
echo "expired-token" > "$TEST_TMP/bad.token"
with_token "$TEST_TMP/bad.token"
rd_once "$CFG"
expect_check security.mfa unknown "HTTP 401"
check "a refused token is a readiness keycloak source error" python3 -c 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["sources"] if s["name"]=="readiness keycloak"][0]; assert not s["ok"] and "401" in s["error"], s' "$RJ"
with_token "$TEST_TMP/kc.token" nope
rd_once "$CFG"
expect_check security.sso_oidc fail "realm nope: discovery answered HTTP 404"
fake "$KEYCLOAK_PORT" reset

# A service-account client instead of a static token: a fresh token each poll.
echo "ceres-top-secret" > "$TEST_TMP/kc.secret"
sed -e "/^\[keycloak\]/a admin_client_id = ceres-top\nadmin_client_secret_file = $TEST_TMP/kc.secret" \
	"$SANDBOX_DIR/config" > "$TEST_TMP/client.conf"
fake "$KEYCLOAK_PORT" clear-requests
rd_once "$TEST_TMP/client.conf"
expect_check security.mfa fail "OTP not enforced"
expect_check integration.sso_clients fail "missing: redmine, mattermost"
check "the token came from the client credentials grant" python3 -c 'import json,sys,urllib.request
r=json.load(urllib.request.urlopen("http://127.0.0.1:%s/__fake/requests?path=/realms/ceres/protocol/openid-connect/token" % sys.argv[1]))
assert len(r)==1 and r[0]["method"]=="POST" and "grant_type=client_credentials" in r[0]["body"], r' "$KEYCLOAK_PORT"
echo "wrong-secret" > "$TEST_TMP/kc.secret"
rd_once "$TEST_TMP/client.conf"
expect_check security.mfa unknown "token request: HTTP 401"
check "the client secret appears in no output" bash -c "! grep -qE 'wrong-secret|ceres-top-secret' '$RJ'"

# --- Gitea ---------------------------------------------------------------
CFG=$SANDBOX_DIR/config
rd_once "$CFG"
expect_check integration.gitea_hooks pass "2/2 repositories have a chat hook, e.g. ceres/infra: gitea → http://127.0.0.1/…"
expect_check manageability.infra_repos pass "2 repositories in Gitea: ceres/infra, ceres/app"
fake "$GITEA_PORT" state '{"hooks": [{"id": 2, "type": "gitea", "active": true, "config": {"url": "http://ci.example/build"}, "events": ["push"]}]}'
rd_once "$CFG"
expect_check integration.gitea_hooks fail "0/2 repositories notify chat; not: ceres/infra (1 hooks, none to chat)"
fake "$GITEA_PORT" state '{"hooks": null, "repos": ["ceres/infra"]}'
rd_once "$CFG"
expect_check integration.gitea_hooks fail "ceres/app (HTTP 404)"
expect_check manageability.infra_repos fail "not found in Gitea: ceres/app"
grep -v '^token_file' "$SANDBOX_DIR/config" > "$TEST_TMP/notoken.conf"
rd_once "$TEST_TMP/notoken.conf"
expect_check integration.gitea_hooks unknown "no [gitea] token"
fake "$GITEA_PORT" reset

# --- Loki: streams of every configured service --------------------------
rd_once "$CFG"
expect_check observability.logs fail "logs from 3/16 services; missing: "
entries=$(python3 -c 'import json
print(json.dumps({"entries": [{"labels": {"job": "ceres/" + k}, "line": "x"} for k in
  ["prometheus", "alertmanager", "loki", "tempo", "uptime-kuma", "grafana", "wikijs", "nextcloud",
   "mattermost", "node-exporter", "redis", "postgresql", "redmine"]]}))')
fake "$LOKI_PORT" state "$entries"
rd_once "$CFG"
expect_check observability.logs pass "Loki has streams from all 16 services"
fake "$LOKI_PORT" override '{"path": "/loki/api/v1/label/app/values", "status": 401, "body": "no org id\n"}'
rd_once "$CFG"
expect_check observability.logs unknown "HTTP 401"
fake "$LOKI_PORT" reset

# --- Tempo -----------------------------------------------------------------
rd_once "$CFG"
expect_check observability.tracing pass "Tempo /ready: HTTP 200 ready"
fake "$TEMPO_PORT" state '{"ready": false}'
rd_once "$CFG"
expect_check observability.tracing fail "HTTP 503 Some services are not Running:"
fake "$TEMPO_PORT" reset

# --- Grafana (through its health row) -----------------------------------------
rd_once "$CFG"
expect_check observability.dashboards pass "grafana: database ok"
fake "$GRAFANA_PORT" state '{"database": "failing"}'
rd_once "$CFG"
expect_check observability.dashboards fail "grafana"
expect_check availability.services_up fail "grafana"
fake "$GRAFANA_PORT" reset

# --- Uptime Kuma -------------------------------------------------------------
rd_once "$CFG"
expect_check availability.uptime_monitors pass "4 monitors on the status page, all up"
expect_check integration.uptime_alerting unknown "not visible through its status page"
fake "$KUMA_PORT" state '{"status": {"1": 1, "2": 0, "3": 1, "4": 2}}'
rd_once "$CFG"
expect_check availability.uptime_monitors fail "2/4 monitors not up: Grafana, Keycloak"
# The configured status page does not exist: nothing is monitored there.
fake "$KUMA_PORT" state '{"slug": "other"}'
rd_once "$CFG"
expect_check availability.uptime_monitors fail "lists no monitors"
finish
