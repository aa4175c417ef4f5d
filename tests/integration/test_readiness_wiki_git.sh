#!/bin/bash
# Readiness: Wiki.js under version control (integration.wiki_git) from its
# GraphQL storage query on the sandbox's Wiki.js stand-in: the git target
# disabled (a fresh Wiki.js) fails, enabled and operational passes with the
# repository (user info removed) and the last sync, enabled but in error
# fails with Wiki.js's message, no git target fails; a Wiki.js that wants
# an API key answers "Forbidden" (HTTP 200, errors array): unknown, and
# the service's token makes it pass; the token and the masked password are
# never printed; the documentation items follow the check.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
fake() {	# ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$WIKIJS_PORT/__fake/$1" ${2:+-d "$2"} > /dev/null
}
trap 'fake reset' EXIT
fake reset
CFG=$TEST_TMP/c.conf
cp "$SANDBOX_DIR/config" "$CFG"
ID=integration.wiki_git

rd_once "$CFG"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check $ID fail "Wiki.js git storage is disabled: pages live only in its database"
check "the matrix line Wiki.js <-> Gitea is live and fail" [ "$(item 'Wiki.js <-> Gitea (git sync)')" = fail ]
check "the Documentation sync item is live and fail" [ "$(item 'Documentation sync')" = fail ]

fake state '{"git": {"enabled": true, "mode": "sync", "syncInterval": "PT5M",
  "repoUrl": "https://wiki-bot:glpat-secret@gitea.ceres.example/ceres/wiki\u001b[2J.git",
  "status": "operational", "message": "", "lastAttempt": "2026-12-07T08:00:00.000Z"}}'
rd_once "$CFG"
expect_check $ID pass "Wiki.js git storage enabled to https://gitea.ceres.example/ceres/wiki"
expect_check $ID pass "mode sync, every PT5M, status operational, last sync 2026-12-07T08:00:00.000Z"
check "the repository's credentials are not printed" bash -c "! grep -q -e glpat-secret -e wiki-bot '$RJ'"
check "the masked password is not printed" bash -c "! grep -q -e hunter2 -e '\*\*\*\*' '$RJ'"
check "names are terminal-safe" bash -c "! grep -q $'\x1b' '$RJ'"
check "the matrix line passes" [ "$(item 'Wiki.js <-> Gitea (git sync)')" = pass ]

fake state '{"git": {"enabled": true, "repoUrl": "git@gitea.ceres.example:ceres/wiki.git", "status": "error",
  "message": "Authentication failed for repository", "lastAttempt": "2026-12-07T08:05:00.000Z"}}'
rd_once "$CFG"
expect_check $ID fail "Wiki.js git storage to git@gitea.ceres.example:ceres/wiki.git fails: Authentication failed for repository (last attempt 2026-12-07T08:05:00.000Z)"

fake state '{"git": {"enabled": true}}'
rd_once "$CFG"
expect_check $ID pass "status pending"
fake state '{"no_git": true}'
rd_once "$CFG"
expect_check $ID fail "Wiki.js has no git storage target (1 targets, 0 enabled)"

# A Wiki.js that wants its API key: Forbidden in the errors array.
fake state '{"no_git": false, "git": {"enabled": true, "status": "operational"}, "token": "wikijs-api-key"}'
rd_once "$CFG"
expect_check $ID unknown "wikijs: GraphQL error: Forbidden"
umask 077
echo wikijs-api-key > "$TEST_TMP/wiki.token"
sed -i "/^\[service \"wikijs\"\]/a token_file = $TEST_TMP/wiki.token" "$CFG"
rd_once "$CFG"
expect_check $ID pass "status operational"
check "the API key is not printed" bash -c "! grep -q wikijs-api-key '$RJ'"

sed -i '/^kind = wikijs/d' "$CFG"
rd_once "$CFG"
expect_check $ID unknown "no [service] of kind wikijs with a url"
finish
