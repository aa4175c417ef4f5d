#!/usr/bin/env bash
# The Gitea source against the fake: paging (Link / X-Total-Count, page cap
# per poll, later polls read only as deep as needed), the fallback to
# commits / pull requests / releases on servers without activity feeds
# (decided from /version, or from a 404), an empty repository (409), the
# user feed merged without duplicates, and hook counts as facts.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

G=http://127.0.0.1:$GITEA_PORT
trap 'tmux -L "ceres-gitea-$$" kill-server 2>/dev/null; curl -s -XPOST $G/__fake/reset >/dev/null' EXIT
fake() {  # control-endpoint [json]
	if [ $# -gt 1 ]; then curl -fsS -XPOST "$G/__fake/$1" -d "$2"; else curl -fsS -XPOST "$G/__fake/$1"; fi >/dev/null
}
fresh() { fake reset; fake clear-requests; }
reqs() { curl -fsS "$G/__fake/requests?path=$1"; }
# count PATH-GLOB PYTHON-COND: recorded requests matching the condition on r
count() {
	reqs "$1" | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if eval(sys.argv[1])))' "${2:-True}"
}

umask 077
config() {  # name [extra gitea lines]
	cat > "$TEST_TMP/$1.config" <<EOF
[ceres]
site = gitea-test
interval = 1
timeout = 3

[gitea]
url = http://127.0.0.1:$GITEA_PORT
token_file = $SANDBOX_DIR/secrets/gitea.token
$2
EOF
}
once() { "$CERES_TOP" --once -c "$TEST_TMP/$1.config" --panes activity --format json > "$TEST_TMP/$1.json"; }
jcheck() {  # description name expression over ev (events) and s (sources)
	check "$1" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in j["sources"]}
ev = j["activity"]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TEST_TMP/$2.json" "$3"
}

# ---- paging: 11 + 120 events per repository, 50 per page, 2 pages a poll
fresh
fake state '{"history": 120}'
config paging "repos = ceres/infra
limit = 500
pages = 2"
once paging
F=/api/v1/repos/ceres/infra/activities/feeds
check "paging: the first poll reads pages 1 and 2" \
	test "$(count $F 'r["query"].get("page") in ("1", "2")')" = 2
check "paging: not page 3 (cap per poll)" test "$(count $F 'r["query"].get("page") == "3"')" = 0
check "paging: limit capped at 50" test "$(count $F 'r["query"].get("limit") == "50"')" = 2
jcheck "paging: 100 events from two pages, newest first" paging \
	'len(ev) == 100 and [a["time"] for a in ev] == sorted((a["time"] for a in ev), reverse=True)'

# Later polls (the console): only page 1 while nothing new is deeper.
fake clear-requests
tmux -L "ceres-gitea-$$" -f /dev/null new-session -d -s p -x 100 -y 30 \
	"env TERM=tmux-256color $CERES_TOP -c $TEST_TMP/paging.config --panes activity"
check "paging: the console polls page 1 again and again" \
	wait_for 15 bash -c '[ "$(curl -fsS "$1/__fake/requests?path=$2" | python3 -c "import json,sys; print(sum(1 for r in json.load(sys.stdin) if r[\"query\"].get(\"page\") == \"1\"))")" -ge 3 ]' _ "$G" "$F"
check "paging: ... but page 2 only in its first poll" test "$(count $F 'r["query"].get("page") == "2"')" = 1
tmux -L "ceres-gitea-$$" kill-server 2>/dev/null

# ---- no feeds API: version below 1.20 (by an override of /version only)
fresh
curl -fsS -XPOST "$G/__fake/override" -d '{"path": "/api/v1/version", "status": 200, "body": {"version": "1.19.4"}}' >/dev/null
config old "repos = ceres/infra"
once old
check "1.19: no activity feed asked for" test "$(count '/api/v1/repos/*' 'r["path"].endswith("/activities/feeds")')" = 0
check "1.19: commits without stats, files, verification" \
	test "$(count /api/v1/repos/ceres/infra/commits 'r["query"].get("stat") == "false" and r["query"].get("files") == "false" and r["query"].get("verification") == "false"')" = 1
check "1.19: pull requests of every state, recently updated first" \
	test "$(count /api/v1/repos/ceres/infra/pulls 'r["query"].get("state") == "all" and r["query"].get("sort") == "recentupdate"')" = 1
check "1.19: releases" test "$(count /api/v1/repos/ceres/infra/releases)" = 1
jcheck "1.19: commits, PR opened/merged/closed and a release become events" old \
	'{"commit", "pr_opened", "pr_merged", "pr_closed", "release"} <= {a["kind"] for a in ev} and s["gitea activity"]["ok"]'
jcheck "1.19: a merged PR names who merged it; a commit of an unknown e-mail its git author" old \
	'[a for a in ev if a["kind"] == "pr_merged" and a["actor"] == "bob" and a["title"] == "#41 chore: bump deps"] and [a for a in ev if a["kind"] == "commit" and a["actor"] == "Bob Builder"]'

# ---- the feeds route missing without a readable version: a 404 falls back
fresh
fake state '{"version": "1.19.4"}'
curl -fsS -XPOST "$G/__fake/override" -d '{"path": "/api/v1/version", "status": 404, "body": "404 page not found\n"}' >/dev/null
config old404 "repos = ceres/infra"
once old404
check "no version: the feed is tried first" test "$(count $F)" = 1
jcheck "no version: a 404 on the feed falls back to commits and pull requests" old404 \
	'{"commit", "pr_opened"} <= {a["kind"] for a in ev} and s["gitea activity"]["ok"]'

# ---- an empty repository: 409 on /commits is no error
fresh
fake state '{"version": "1.19.4", "empty_repos": ["ceres/empty"]}'
config empty "repos = ceres/empty ceres/infra"
once empty
check "empty repository: /commits answered 409" bash -c 'curl -s -o /dev/null -w "%{http_code}" "$1/api/v1/repos/ceres/empty/commits" | grep -qx 409' _ "$G"
jcheck "empty repository: no error, the other repository's events shown" empty \
	's["gitea activity"]["ok"] and not [a for a in ev if a["where"] == "ceres/empty"] and [a for a in ev if a["where"] == "ceres/infra"]'

# ---- an unknown repository is an error naming it
fresh
fake state '{"repos": ["ceres/infra"]}'
config unknown "repos = ceres/infra ceres/nope"
once unknown
jcheck "unknown repository: error names it, the known one still shows" unknown \
	'"ceres/nope" in s["gitea activity"]["error"] and "404" in s["gitea activity"]["error"] and [a for a in ev if a["where"] == "ceres/infra"]'

# ---- the user feed: shared activities counted once
fresh
config user "repos = ceres/infra
feeds_user = alice"
once user
check "user feed asked for" test "$(count /api/v1/users/alice/activities/feeds)" = 1
jcheck "user feed: events of other repositories added, shared ones once" user \
	'len([a for a in ev if a["kind"] == "push" and a["where"] == "ceres/infra" and "rotate logs" in a["title"]]) == 1 and [a for a in ev if a["where"] == "ceres/app"]'

# ---- new events added on the server show up, with '|' and unicode
fresh
fake state '{"add": [{"op": "comment_pull", "repo": "ceres/infra", "actor": "bob", "content": "43|feat: Loki tail view | follow mode", "comment": "Looks good | ship it ✅"}]}'
config add "repos = ceres/infra"
once add
jcheck "added PR comment: title split on the first | only, comment quoted" add \
	'[a for a in ev if a["kind"] == "comment" and a["actor"] == "bob" and a["title"] == "#43 feat: Loki tail view | follow mode: Looks good | ship it ✅" and a["url"].endswith("/ceres/infra/pulls/43#issuecomment-800000")]'

finish
