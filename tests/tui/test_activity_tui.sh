#!/usr/bin/env bash
# The activity pane in tmux: events of both sources; a Redmine comment
# added through the REST API shows after the next poll, marked new (●),
# and the mark goes once the pane was looked at; details, the source
# filter, :filter, search; an expired Gitea token is an error on screen
# while the events stay; hook counts reach the gitea health row's facts.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

G=http://127.0.0.1:$GITEA_PORT
R=http://127.0.0.1:$REDMINE_PORT
KEY=$(cat "$SANDBOX_DIR/secrets/redmine.key")
TOKEN_FILE=$SANDBOX_DIR/fakes/gitea/token
cp -p "$TOKEN_FILE" "$TEST_TMP/token.saved"
cleanup() {
	tui_stop
	cp -p "$TEST_TMP/token.saved" "$TOKEN_FILE"
	curl -s -XPOST "$G/__fake/reset" >/dev/null
}
trap cleanup EXIT
curl -s -XPOST "$G/__fake/reset" >/dev/null

# The line on screen that contains TEXT.
line_of() { tui_screen | grep -F -- "$1" | head -1; }
marked() { line_of "$1" | grep -qE '^│?●'; }
unmarked() { local l; l=$(line_of "$1"); [ -n "$l" ] && ! grep -qE '^│?●' <<< "$l"; }

tui_start 170 48 -c "$SANDBOX_DIR/config"
tui_keys 4 z
check "pane shows Gitea events" tui_wait "ceres/infra" 20
check "pane shows Redmine events" tui_wait "Disk /var on ceres-db01" 20
check "both sources ok in the pane's status line" tui_wait "redmine ✓" 10
check "gitea ok too" tui_has "gitea ✓"
check "Gitea badge, actor, where, kind and title on one line" \
	bash -c 'tmux -L "$1" capture-pane -t t -p | grep -qE "gitea +alice +ceres/infra +push +main: fix\(infra\): rotate logs daily \(\+2 more\)"' _ "$TUI_SOCK"
check "Redmine comment line with its author" \
	bash -c 'tmux -L "$1" capture-pane -t t -p | grep -qE "redmine +Ceres Operator +Ops +comment +#1 Disk /var"' _ "$TUI_SOCK"
check "an escape sequence from Redmine is shown visibly" tui_has "␛[31mrot␛[0m"
check "seeded events are not marked new" bash -c '! tmux -L "$1" capture-pane -t t -p | grep -q "●"' _ "$TUI_SOCK"

# ---- a new comment through the REST API, as a person would write it
NOTE="tui-$$ Rotated the keys – done ✅"
code=$(curl -s -o /dev/null -w '%{http_code}' -XPUT -H "X-Redmine-API-Key: $KEY" \
	-H 'Content-Type: application/json' "$R/issues/3.json" \
	-d "{\"issue\": {\"notes\": \"$NOTE\"}}")
check "Redmine accepted the comment (HTTP $code)" test "$code" = 204
check "the new comment appears after the next poll" tui_wait "$NOTE" 20
check "... marked new (●)" marked "$NOTE"
check "... the status line counts it" tui_has "● 1 new"
check "... with its author and project" bash -c 'grep -qE "redmine +Ceres Operator +Infra +comment +#3 Rotate Keycloak signing keys: tui-" <<< "$1"' _ "$(line_of "$NOTE")"

# Details of the newest event: the full comment and its URL.
tui_keys g Enter
check "Enter shows the comment in full" tui_wait "Notes:" 5
check "... with the note text" tui_has "$NOTE"
check "... and the URL of the change" bash -c 'tmux -L "$1" capture-pane -t t -p | grep -qE "URL: http://127\.0\.0\.1:[0-9]+/issues/3#change-[0-9]+"' _ "$TUI_SOCK"
tui_keys Escape
tui_wait_gone "Notes:" 5

# Look elsewhere and come back: the mark is gone.
tui_keys z 1
tui_wait "1 Health" 5
tui_keys 4 z
check "after a look, the comment is no longer marked" wait_for 10 unmarked "$NOTE"
check "... and nothing counts as new" tui_wait_gone "● 1 new" 5

# ---- source filter, :filter, search, push details
tui_keys t
check "t: only Gitea" tui_wait "only gitea" 5
check "t: no Redmine events then" tui_wait_gone "Disk /var on ceres-db01" 5
tui_keys t
check "t again: only Redmine" tui_wait "only redmine" 5
check "t again: no Gitea events" tui_wait_gone "ceres/infra" 5
tui_keys t
check "t a third time: all again" tui_wait "ceres/infra" 5
tui_keys :
tui_type "filter ceres/app"
tui_keys Enter
check ":filter ceres/app narrows to that repository" tui_wait_gone "ceres/infra" 5
check "... and says so" tui_has "only ceres/app"
tui_keys c
check "c clears the filter" tui_wait "ceres/infra" 5
tui_keys /
tui_type "rotate logs"
tui_keys Enter
check "/ search is shown in the status line" tui_wait "/rotate logs" 5
tui_keys Enter
check "Enter on the found push lists every commit" tui_wait "3 commits" 5
check "... the first commit" tui_has "fix(infra): rotate logs daily"
check "... the second commit, '|' and all" tui_has "feat: alerts | silences view"
check "... and the comparison URL" tui_has "/ceres/infra/compare/"
tui_keys Escape
tui_keys c

# ---- the Gitea token expires while the console runs
echo "ffffffffffffffffffffffffffffffffffffffff" > "$TOKEN_FILE"
check "expired token: an auth error on the gitea source, on screen" tui_wait "auth error: check token" 20
check "... while the Gitea events stay (not an empty timeline)" tui_has "ceres/infra"
cp -p "$TEST_TMP/token.saved" "$TOKEN_FILE"
check "token valid again: gitea ✓" tui_wait "gitea ✓" 30
tui_keys q
check "q quits" wait_for 5 tui_dead
tui_stop

# ---- hooks reach the gitea health row as facts for the readiness score
umask 077
cat > "$TEST_TMP/hooks.config" <<EOF
[ceres]
interval = 2
[gitea]
url = http://127.0.0.1:$GITEA_PORT
token_file = $SANDBOX_DIR/secrets/gitea.token
repos = ceres/infra
EOF
curl -s -XPOST "$G/__fake/state" -d '{"hooks": [{"id": 1, "type": "gitea", "active": true, "events": ["push"], "config": {}}, {"id": 2, "type": "slack", "active": true, "events": ["issues"], "config": {}}, {"id": 3, "type": "gitea", "active": false, "events": ["push"], "config": {}}]}' >/dev/null
tui_start 150 40 -c "$TEST_TMP/hooks.config" --panes health,activity
tui_keys 1
tui_wait "healthz pass" 15
tui_wait "gitea ✓" 15
tui_keys Enter
check "health details of gitea list the hook facts" tui_wait "gitea.hooks.ceres/infra=2" 10
check "... and how many send pushes" tui_has "gitea.hooks_push.ceres/infra=1"
check "... and the API mode" tui_has "gitea.activity_mode=feeds"

finish
