#!/usr/bin/env bash
# Activity in --once output against the sandbox's real Redmine and fake
# Gitea: events of both sources with every field of DESIGN section 6,
# newest first, times in RFC 3339 UTC; the text form likewise; what the
# sources asked for (token and API key headers, status_id=*, cheap paging).
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

G=http://127.0.0.1:$GITEA_PORT
R=http://127.0.0.1:$REDMINE_PORT
KEY=$(cat "$SANDBOX_DIR/secrets/redmine.key")
trap 'curl -s -XPOST $G/__fake/reset >/dev/null' EXIT
curl -s -XPOST "$G/__fake/reset" >/dev/null
curl -s -XPOST "$G/__fake/clear-requests" >/dev/null

OUT=$TEST_TMP/once.json
RLOG=$SANDBOX_DIR/logs/redmine.log
rlog_from=$(stat -c %s "$RLOG" 2>/dev/null || echo 0)
"$CERES_TOP" --once -c "$SANDBOX_DIR/config" --panes activity --format json > "$OUT"
rc=$?
check "--once exits 0 with both sources fine (got $rc)" test "$rc" -eq 0
check "output is JSON with an activity list" python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["activity"] else 1)' "$OUT"

py() { python3 - "$OUT" "$@"; }
check "every event has exactly the documented fields, all strings" py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
keys = {"source", "time", "actor", "kind", "where", "title", "url"}
bad = [a for a in j["activity"] if set(a) != keys or not all(isinstance(a[k], str) for k in keys)]
sys.exit(1 if bad else 0)
EOF
check "times are RFC 3339 UTC, newest first" py <<'EOF'
import json, re, sys
j = json.load(open(sys.argv[1]))
ts = [a["time"] for a in j["activity"]]
ok = all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t) for t in ts) and ts == sorted(ts, reverse=True)
sys.exit(0 if ok else 1)
EOF
check "Redmine events: the seeded issues, comment and projects" py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
r = [a for a in j["activity"] if a["source"] == "redmine"]
kinds = {a["kind"] for a in r}
wheres = {a["where"] for a in r}
comment = [a for a in r if a["kind"] == "comment" and "Cleaned /var/log/journal" in a["title"]]
ok = {"issue_opened", "comment"} <= kinds and {"Ops", "Infra"} <= wheres and comment \
    and comment[0]["actor"] == "Ceres Operator" and "/issues/" in comment[0]["url"] \
    and "#change-" in comment[0]["url"]
sys.exit(0 if ok else 1)
EOF
check "Redmine: an escape sequence in a subject is made visible" py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
t = [a["title"] for a in j["activity"] if "Größe der Logs" in a["title"]]
sys.exit(0 if t and "\x1b" not in t[0] and "␛[31m" in t[0] else 1)
EOF
check "Gitea events: push, PR, comment, release, issue for both repos" py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
g = [a for a in j["activity"] if a["source"] == "gitea"]
for repo in ("ceres/infra", "ceres/app"):
    kinds = {a["kind"] for a in g if a["where"] == repo}
    if not {"push", "pr_opened", "comment", "release", "issue_closed", "pr_merged"} <= kinds:
        sys.exit(1)
push = [a for a in g if a["kind"] == "push" and a["where"] == "ceres/infra" and "rotate logs" in a["title"]]
pr = [a for a in g if a["kind"] == "pr_opened" and a["where"] == "ceres/infra"]
ghost = [a for a in g if a["actor"] == "Ghost"]
ok = push and push[0]["title"] == "main: fix(infra): rotate logs daily (+2 more)" \
    and "/ceres/infra/compare/" in push[0]["url"] \
    and pr and pr[0]["title"] == "#43 feat: Loki tail view | follow mode" \
    and ghost and "\x1b" not in ghost[0]["title"]
sys.exit(0 if ok else 1)
EOF
check "sources list both activity sources as ok" py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in j["sources"]}
ok = s["gitea activity"]["ok"] and s["gitea activity"]["error"] is None \
    and s["redmine activity"]["ok"] and s["redmine activity"]["kind"] == "redmine"
sys.exit(0 if ok else 1)
EOF
check "no secret in the output" bash -c '! grep -qF -e "$1" -e "$2" "$3"' _ "$KEY" "$(cat "$SANDBOX_DIR/secrets/gitea.token")" "$OUT"

# What was asked: the token, cheap and bounded requests.
REQS=$TEST_TMP/reqs.json
curl -s "$G/__fake/requests?path=/api/v1/repos/*" > "$REQS"
check "Gitea: feeds of both repos asked with 'Authorization: token'" python3 - "$REQS" "$(cat "$SANDBOX_DIR/secrets/gitea.token")" <<'EOF'
import json, sys
reqs = json.load(open(sys.argv[1]))
feeds = [r for r in reqs if r["path"].endswith("/activities/feeds")]
paths = {r["path"] for r in feeds}
auth = all(r["headers"].get("Authorization") == "token " + sys.argv[2] for r in reqs)
sys.exit(0 if paths == {"/api/v1/repos/ceres/infra/activities/feeds", "/api/v1/repos/ceres/app/activities/feeds"}
         and auth and all(r["query"].get("page") == "1" for r in feeds) else 1)
EOF
check "Gitea: hooks read for the readiness facts" python3 - "$REQS" <<'EOF'
import json, sys
reqs = json.load(open(sys.argv[1]))
sys.exit(0 if {r["path"] for r in reqs if r["path"].endswith("/hooks")} ==
         {"/api/v1/repos/ceres/infra/hooks", "/api/v1/repos/ceres/app/hooks"} else 1)
EOF

# The text form: the same events as aligned lines.
TXT=$TEST_TMP/once.txt
"$CERES_TOP" --once -c "$SANDBOX_DIR/config" --panes activity > "$TXT"
check "text: an ACTIVITY section" grep -q '^ACTIVITY$' "$TXT"
check "text: a Redmine comment line with time, source, actor, where, kind, title, url" \
	grep -qE '^  [0-9T:-]+Z  redmine  Ceres Operator +Ops +comment +#[0-9]+ Disk /var on ceres-db01 above 90%: Cleaned .*  http://127\.0\.0\.1:[0-9]+/issues/[0-9]+#change-[0-9]+$' "$TXT"
check "text: a Gitea push line" grep -qE '^  [0-9T:-]+Z  gitea    alice +ceres/infra +push +main: fix\(infra\): rotate logs daily \(\+2 more\)' "$TXT"
check "text: no escape byte" bash -c '! grep -q $'"'"'\x1b'"'"' "$1"' _ "$TXT"
n_text=$(grep -cE '^  [0-9]{4}-' "$TXT")
n_json=$(json_get "$OUT" "len(j['activity'])")
check "text and JSON carry the same number of events ($n_text, $n_json)" test "$n_text" -eq "$n_json"

# Redmine (its request log): closed issues too, newest update first, then
# the journals of each issue, which only the single-issue view has.
tail -c +$((rlog_from + 1)) "$RLOG" > "$TEST_TMP/redmine.log"
check "Redmine: asked for /issues.json?sort=updated_on:desc&status_id=*" \
	grep -qF 'Started GET "/issues.json?sort=updated_on:desc&status_id=*&limit=25"' "$TEST_TMP/redmine.log"
check "Redmine: asked for an issue with include=journals" \
	grep -qE 'Started GET "/issues/[0-9]+\.json\?include=journals"' "$TEST_TMP/redmine.log"
check "Redmine: never include=journals on the list (it is ignored there)" \
	bash -c '! grep -E "GET \"/issues\.json[^\"]*include=journals" "$1"' _ "$TEST_TMP/redmine.log"
check "Redmine: the seeded data is really there (status_id=* list)" bash -c '
	curl -fsS -H "X-Redmine-API-Key: $1" "$2/issues.json?sort=updated_on:desc&status_id=*&limit=25" |
	python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)[\"total_count\"] >= 3 else 1)"' _ "$KEY" "$R"

finish
