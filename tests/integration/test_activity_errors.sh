#!/usr/bin/env bash
# A wrong Gitea token or Redmine API key (401) is an error on that source
# (sources[].error in --once JSON, a line in the text output, exit code 1),
# never a quietly empty timeline; the other source goes on.  Also: an
# unreachable server and a Redmine project that does not exist.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

G=http://127.0.0.1:$GITEA_PORT
trap 'curl -s -XPOST $G/__fake/reset >/dev/null' EXIT
curl -s -XPOST "$G/__fake/reset" >/dev/null

umask 077
echo "0000000000000000000000000000000000000000" > "$TEST_TMP/bad.token"
echo "ffffffffffffffffffffffffffffffffffffffff" > "$TEST_TMP/bad.key"
# config NAME GITEA_TOKEN_FILE REDMINE_KEY_FILE [EXTRA REDMINE LINES]
config() {
	cat > "$TEST_TMP/$1.config" <<EOF
[ceres]
site = errors
interval = 2
timeout = 3

[gitea]
url = http://127.0.0.1:$GITEA_PORT
repos = ceres/infra
token_file = $2

[redmine]
url = http://127.0.0.1:$REDMINE_PORT
api_key_file = $3
$4
EOF
}
config badkey "$SANDBOX_DIR/secrets/gitea.token" "$TEST_TMP/bad.key"
config badtoken "$TEST_TMP/bad.token" "$SANDBOX_DIR/secrets/redmine.key"
config noproject "$SANDBOX_DIR/secrets/gitea.token" "$SANDBOX_DIR/secrets/redmine.key" "project = no-such-project"

once() {  # name -> $TEST_TMP/name.json, exit code in $TEST_TMP/name.rc
	"$CERES_TOP" --once -c "$TEST_TMP/$1.config" --panes activity --format json > "$TEST_TMP/$1.json"
	echo $? > "$TEST_TMP/$1.rc"
}
jcheck() {  # description name python-expression over j (the JSON) and s (sources by name)
	check "$1" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in j["sources"]}
ev = j["activity"]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TEST_TMP/$2.json" "$3"
}

# ---- Redmine: wrong API key
once badkey
check "bad Redmine key: exit code 1 (a source failed), got $(cat "$TEST_TMP/badkey.rc")" \
	test "$(cat "$TEST_TMP/badkey.rc")" = 1
jcheck "bad Redmine key: sources[].error says auth error: check api_key" badkey \
	's["redmine activity"]["ok"] is False and s["redmine activity"]["error"].startswith("auth error: check api_key") and "401" in s["redmine activity"]["error"]'
jcheck "bad Redmine key: no Redmine events, Gitea events still there" badkey \
	'not [a for a in ev if a["source"] == "redmine"] and [a for a in ev if a["source"] == "gitea"] and s["gitea activity"]["ok"]'
check "bad Redmine key: the key itself is not printed" bash -c '! grep -qF "$(cat "$1")" "$2"' _ "$TEST_TMP/bad.key" "$TEST_TMP/badkey.json"
"$CERES_TOP" --once -c "$TEST_TMP/badkey.config" --panes activity > "$TEST_TMP/badkey.txt"
check "bad Redmine key: the text output says so in the ACTIVITY section" \
	grep -qE '^  redmine activity: auth error: check api_key \(HTTP 401\)$' "$TEST_TMP/badkey.txt"
check "bad Redmine key: and in SOURCES" grep -qE '^  FAIL +redmine activity .*auth error' "$TEST_TMP/badkey.txt"

# ---- Gitea: wrong token
once badtoken
check "bad Gitea token: exit code 1" test "$(cat "$TEST_TMP/badtoken.rc")" = 1
jcheck "bad Gitea token: sources[].error says auth error: check token" badtoken \
	's["gitea activity"]["ok"] is False and s["gitea activity"]["error"].startswith("auth error: check token (HTTP 401")'
jcheck "bad Gitea token: no Gitea events, Redmine events there" badtoken \
	'not [a for a in ev if a["source"] == "gitea"] and [a for a in ev if a["source"] == "redmine"]'

# ---- a scoped token (403) whose answer echoes the token back
TOKEN=$(cat "$SANDBOX_DIR/secrets/gitea.token")
curl -fsS -XPOST "$G/__fake/override" -d "{\"path\": \"/api/v1/repos/ceres/infra/activities/feeds\", \"status\": 403,
	\"body\": {\"message\": \"token $TOKEN does not have at least one of required scope(s): [read:repository]\"}}" >/dev/null
once badkey
jcheck "403: permission denied with the server's reason" badkey \
	'"permission denied (HTTP 403" in s["gitea activity"]["error"] and "required scope" in s["gitea activity"]["error"]'
check "403: the token the server echoed is not printed" bash -c '! grep -qF "$1" "$2" && grep -qF "<redacted>" "$2"' _ "$TOKEN" "$TEST_TMP/badkey.json"
curl -fsS -XPOST "$G/__fake/reset" >/dev/null

# ---- Redmine project filter naming a project that does not exist
once noproject
jcheck "unknown Redmine project: a 404 error naming it" noproject \
	'"no-such-project" in (s["redmine activity"]["error"] or "") and "404" in s["redmine activity"]["error"]'

# ---- the project filter itself
config opsonly "$SANDBOX_DIR/secrets/gitea.token" "$SANDBOX_DIR/secrets/redmine.key" "project = infra"
once opsonly
jcheck "Redmine project = infra: only Infra issues" opsonly \
	'[a for a in ev if a["source"] == "redmine"] and all(a["where"] == "Infra" for a in ev if a["source"] == "redmine")'

# ---- nothing listens
free_port=$((SANDBOX_PORT_BASE + 990))
sed -e "s|^url = http://127.0.0.1:$GITEA_PORT|url = http://127.0.0.1:$free_port|" \
	-e "s|^url = http://127.0.0.1:$REDMINE_PORT|url = http://127.0.0.1:$free_port|" \
	"$TEST_TMP/badkey.config" > "$TEST_TMP/down.config"
once down
check "both servers down: exit code 3 (every source unreachable)" test "$(cat "$TEST_TMP/down.rc")" = 3
jcheck "both servers down: each source says why" down \
	'all(not s[n]["ok"] and s[n]["error"] for n in ("gitea activity", "redmine activity")) and ev == []'

finish
