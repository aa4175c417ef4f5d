#!/usr/bin/env bash
# Webhook tests from the keyboard: `w` opens the menu of every notification
# route (Mattermost, Zulip, Slack, generic, Gitea repo hooks), `a` tests all
# of them in parallel.  Our own receivers (tests/fakes) record what arrives;
# each chat's payload is checked field by field, and 400, 500, a timeout, a
# refused connection and a 429 each show the right per-route result.  The
# state file and audit lines are checked, and no webhook secret may appear
# on screen, in the state file or in the audit log.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

# The first port from $1 up that nothing listens on (the runner's tests
# share the SANDBOX_PORT_BASE+500.. range).
free_port() {
	local p=$1
	while ss -Htln 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo "$p"
}
BASE=$(( ${SANDBOX_PORT_BASE:-28000} + 500 ))
MM_PORT=$(free_port "$BASE")
ZU_PORT=$(free_port $((MM_PORT + 1)))
WH_PORT=$(free_port $((ZU_PORT + 1)))
DEAD_PORT=$(free_port $((WH_PORT + 1)))	# nothing listens there: connection refused
U=http://127.0.0.1
FAKES=$TESTS_DIR/fakes/fakes.py
MM_KEY=mmgood0key1234567890abcdef
ZU_KEY=zulipBotKey0123456789
SLACK_KEY=slackSecretKey0123456789
GEN_KEY=ingestSecret0123456789
GITEA_TOKEN=$(cat "$SANDBOX_DIR/secrets/gitea.token")

fake_pids=()
cleanup() {
	tui_stop
	for p in "${fake_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${fake_pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

start_fake() {  # kind port
	mkdir -p "$TEST_TMP/fake-$1"
	python3 "$FAKES" --kind "$1" --port "$2" --state "$TEST_TMP/fake-$1" > "$TEST_TMP/fake-$1.log" 2>&1 &
	fake_pids+=($!)
}
echo "$MM_KEY" > "$TEST_TMP/fake-mattermost.hooks"
mkdir -p "$TEST_TMP/fake-mattermost" "$TEST_TMP/fake-zulip"
echo "$MM_KEY" > "$TEST_TMP/fake-mattermost/hooks"
echo "$ZU_KEY" > "$TEST_TMP/fake-zulip/api_key"
start_fake mattermost "$MM_PORT"
start_fake zulip "$ZU_PORT"
start_fake webhook "$WH_PORT"
for p in "$MM_PORT" "$ZU_PORT" "$WH_PORT"; do
	wait_for 30 curl -fsS "$U:$p/__fake/ping" || { echo "Bail out! fake on $p did not start"; exit 1; }
done

ov() { curl -fsS -XPOST "$U:$WH_PORT/__fake/override" -d "$1" >/dev/null; }
ov '{"path":"/err500/'"$GEN_KEY"'","status":500,"body":"\u001b]0;pwned\u0007Internal Server Error\n<html>..."}'
ov '{"path":"/slow/'"$GEN_KEY"'","delay":3}'
ov '{"path":"/limited/'"$GEN_KEY"'","status":429,"headers":{"Retry-After":"7"},"body":"too many requests"}'

# Secrets come from files and the environment, as in production.
umask 077
mkdir -p "$TEST_TMP/secrets"
echo "$U:$MM_PORT/hooks/$MM_KEY" > "$TEST_TMP/secrets/mm-ok"
echo "$U:$MM_PORT/hooks/wrongKey0000000000000000" > "$TEST_TMP/secrets/mm-badkey"
echo "$U:$WH_PORT/services/T0001/B0001/$SLACK_KEY" > "$TEST_TMP/secrets/slack"
export CERES_TEST_ZULIP_URL="$U:$ZU_PORT/api/v1/external/slack_incoming?api_key=$ZU_KEY&stream=ops&topic=ceres"
CFG=$TEST_TMP/config
cat > "$CFG" <<EOF
[ceres]
site = wh-test
interval = 30
state_dir = $TEST_TMP/state
audit_log = $TEST_TMP/audit.log

[gitea]
url = $U:$GITEA_PORT
token_file = $SANDBOX_DIR/secrets/gitea.token
repos = ceres/infra

[webhook "mm-ok"]
kind = mattermost
url_file = $TEST_TMP/secrets/mm-ok

[webhook "mm-badkey"]
kind = mattermost
url_file = $TEST_TMP/secrets/mm-badkey

[webhook "zulip-ok"]
kind = zulip
url_env = CERES_TEST_ZULIP_URL

[webhook "slack-ok"]
kind = slack
url_file = $TEST_TMP/secrets/slack
channel = "#ops"

[webhook "generic-ok"]
kind = generic
url = $U:$WH_PORT/generic/$GEN_KEY

[webhook "generic-500"]
kind = generic
url = $U:$WH_PORT/err500/$GEN_KEY

[webhook "generic-slow"]
kind = generic
url = $U:$WH_PORT/slow/$GEN_KEY
timeout = 1

[webhook "generic-refused"]
kind = generic
url = $U:$DEAD_PORT/x/$GEN_KEY

[webhook "generic-429"]
kind = generic
url = $U:$WH_PORT/limited/$GEN_KEY

[webhook "bad-kind"]
kind = teams
url = $U:$WH_PORT/never/$GEN_KEY
EOF
chmod 600 "$CFG"

tui_start 200 50 -c "$CFG"
check "console starts" tui_wait "wh-test"
tui_keys w
check "w opens the webhook menu" tui_wait "Notification routes"
check "the Gitea repo's hooks are listed" tui_wait "gitea ceres/infra: 1 hook"
check "the Gitea hook is a route" tui_has "gitea:ceres/infra#1"
check "routes show their redacted target" tui_has "http://127.0.0.1:$MM_PORT/…"
check "a route with an unknown kind says why it cannot be tested" tui_has '! unknown kind "teams"'

# A "no" at the confirmation sends nothing.
tui_keys a
check "a asks before sending to every route" tui_wait "Send test messages to all 10 routes?"
tui_keys n Enter
sleep 0.5
n=$(curl -fsS "$U:$MM_PORT/__fake/requests" | json_get /dev/stdin 'len(j)')
check "nothing is sent after answering no" test "$n" = 0

tui_keys a
tui_wait "Send test messages to all" && tui_keys y Enter
check "results arrive for every route" wait_for 15 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q -e '… sending' -e 'not tested yet'"
check "summary message counts the routes" tui_wait "webhook test: 5 of 10 routes accepted the message"
SCREEN=$(tui_screen)
row() { grep -F -- "$1 " <<< "$SCREEN" | head -1; }
row_has() { row "$1" | grep -qE -- "$2" || { echo "# row $1: $(row "$1")"; return 1; }; }
check "mm-ok: 200, answer ok" row_has "mm-ok" "✓ 200 .* ms  ok "
check "mm-badkey: 400 with the AppError message" row_has "mm-badkey" "✗ 400 .*Invalid webhook \(web.incoming_webhook.invalid.app_error\)"
check "zulip-ok: 200 success" row_has "zulip-ok" "✓ 200 .* ms  success"
check "slack-ok: 200 ok" row_has "slack-ok" "✓ 200 .* ms  ok "
check "generic-ok: 200" row_has "generic-ok" "✓ 200 "
check "generic-500: 500 and the first line" row_has "generic-500" "✗ 500 .*Internal Server Error"
check "generic-slow: timeout" row_has "generic-slow" "✗ --- .*timeout"
check "generic-refused: connection refused" row_has "generic-refused" "✗ --- .*no answer: .*(refused|connect)"
check "generic-429: rate limit and Retry-After" row_has "generic-429" "✗ 429 .*rate limited, retry after 7s"
check "gitea hook test: 204" row_has "gitea:ceres/infra#1" "✓ 204 .*no content"
check "escape sequences in an answer are not passed to the terminal" \
	test "$(tmux -L "$TUI_SOCK" display -p -t t '#{pane_title}')" != pwned

# ---- what the receivers got, field by field
REQ=$TEST_TMP/req.json
curl -fsS "$U:$MM_PORT/__fake/requests?path=/hooks/$MM_KEY" > "$REQ"
check "mattermost: one POST, JSON content type" test "$(json_get "$REQ" 'len(j) == 1 and j[0]["method"] == "POST" and {k.lower(): v for k, v in j[0]["headers"].items()}["content-type"] == "application/json"')" = True
check "mattermost: text is Markdown and marked [TEST]" test "$(json_get "$REQ" 'json.loads(j[0]["body"])["text"].startswith("#### [TEST] ceres-top notification test\n")')" = True
check "mattermost: username, attachment fields" test "$(json_get "$REQ" '(lambda p: p["username"] == "ceres-top" and "channel" not in p and [(f["title"], f["value"]) for f in p["attachments"][0]["fields"]][:2] == [("Site", "wh-test"), ("Route", "mm-ok")] and p["attachments"][0]["fallback"].startswith("[TEST]") and p["attachments"][0]["footer"].startswith("ceres-top "))(json.loads(j[0]["body"]))')" = True
check "mattermost: the fake posted it" test "$(curl -fsS "$U:$MM_PORT/__fake/state" | json_get /dev/stdin 'len(j["messages"]) == 1 and j["messages"][0]["key"] == "'"$MM_KEY"'"')" = True
curl -fsS "$U:$ZU_PORT/__fake/requests?path=/api/v1/external/slack_incoming" > "$REQ"
check "zulip: api_key, stream and topic in the URL" test "$(json_get "$REQ" 'len(j) == 1 and j[0]["query"] == {"api_key": "'"$ZU_KEY"'", "stream": "ops", "topic": "ceres"}')" = True
check "zulip: Slack-style payload, *bold* marker" test "$(json_get "$REQ" '(lambda p: p["text"].startswith("*[TEST] ceres-top notification test*") and p["attachments"][0]["fields"][1]["value"] == "zulip-ok")(json.loads(j[0]["body"]))')" = True
check "zulip: rendered as **bold** in stream ops" test "$(curl -fsS "$U:$ZU_PORT/__fake/state" | json_get /dev/stdin 'j["messages"][0]["stream"] == "ops" and j["messages"][0]["content"].startswith("**[TEST] ceres-top notification test**")')" = True
curl -fsS "$U:$WH_PORT/__fake/requests?path=/services/T0001/B0001/$SLACK_KEY" > "$REQ"
check "slack: text, channel, attachments" test "$(json_get "$REQ" '(lambda p: p["text"].startswith("*[TEST]") and p["channel"] == "#ops" and p["attachments"][0]["color"] == "#2e7d32")(json.loads(j[0]["body"]))')" = True
curl -fsS "$U:$WH_PORT/__fake/requests?path=/generic/$GEN_KEY" > "$REQ"
check "generic: flat JSON marked as a test" test "$(json_get "$REQ" '(lambda p: p["source"] == "ceres-top" and p["type"] == "test" and p["test"] is True and p["route"] == "generic-ok" and p["site"] == "wh-test" and p["text"].startswith("[TEST]") and "@" in p["sent_by"])(json.loads(j[0]["body"]))')" = True
curl -fsS "$U:$GITEA_PORT/__fake/requests?path=/api/v1/repos/ceres/infra/hooks/1/tests" > "$REQ"
check "gitea: POST hooks/1/tests with the token" test "$(json_get "$REQ" 'len(j) >= 1 and j[-1]["method"] == "POST" and {k.lower(): v for k, v in j[-1]["headers"].items()}["authorization"] == "token '"$GITEA_TOKEN"'"')" = True

# ---- state file and audit trail
ST=$TEST_TMP/state/webhooks.json
check "state file has all 10 routes" test "$(json_get "$ST" 'len(j["routes"])')" = 10
check "state: mm-ok exactly {ok,status,latency_ms,time,answer}" test "$(json_get "$ST" '(lambda r: sorted(r) == ["answer", "latency_ms", "ok", "status", "time"] and r["ok"] is True and r["status"] == 200 and r["answer"] == "ok" and r["latency_ms"] >= 0 and r["time"].endswith("Z"))(j["routes"]["mm-ok"])')" = True
check "state: failures recorded as failures" test "$(json_get "$ST" '[j["routes"][n]["ok"] for n in ("generic-500", "generic-slow", "generic-refused", "mm-badkey", "generic-429")] == [False] * 5 and j["routes"]["generic-refused"]["status"] == 0 and j["routes"]["generic-500"]["status"] == 500')" = True
check "audit: one webhook.test line per route" test "$(grep -c '"action":"webhook.test"' "$TEST_TMP/audit.log")" = 10
check "audit: result and redacted url recorded" test "$(python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
m = [l for l in lines if l["target"] == "mm-ok"][0]
print(m["result"] == "ok: ok" and m["parameters"]["url"] == "http://127.0.0.1:'"$MM_PORT"'/…" and m["parameters"]["kind"] == "mattermost")' "$TEST_TMP/audit.log")" = True

# ---- details of one route
tui_keys g i
check "i shows the selected route's last result" tui_wait "answer     ok"
tui_keys Escape
tui_wait_gone "answer     ok"

# ---- one route with Enter
tui_keys g Enter
check "Enter asks about the selected route" tui_wait "Send a test message to mm-ok"
tui_keys y Enter
check "Enter tests only that route" wait_for 10 bash -c "[ \$(curl -fsS '$U:$MM_PORT/__fake/requests?path=/hooks/$MM_KEY' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 2 ]"
check "...and nothing else" test "$(curl -fsS "$U:$ZU_PORT/__fake/requests" | json_get /dev/stdin 'len(j)')" = 1
audit_is() { [ "$(grep -c '"action":"webhook.test"' "$TEST_TMP/audit.log")" = "$1" ]; }
check "audit has 11 webhook.test lines" wait_for 5 audit_is 11

# ---- the results survive a restart (read back from the state file)
tui_keys Escape q
check "console quits" wait_for 5 tui_dead
tui_stop
TUI_SOCK=$TUI_SOCK-2	# a fresh tmux server: the old one may still be exiting
tui_start 200 50 -c "$CFG"
tui_wait "wh-test"
tui_keys w
check "last results are shown again after a restart" tui_wait "Invalid webhook"

# ---- no secret anywhere
SCREEN=$(tui_screen)
leaks=""
for s in "$MM_KEY" "$ZU_KEY" "$SLACK_KEY" "$GEN_KEY" "$GITEA_TOKEN" wrongKey0000000000000000; do
	grep -qF -- "$s" <<< "$SCREEN" && leaks="$leaks screen:$s"
	grep -qF -- "$s" "$ST" && leaks="$leaks state:$s"
	grep -qF -- "$s" "$TEST_TMP/audit.log" && leaks="$leaks audit:$s"
	grep -qF -- "$s" "$TEST_TMP/tui-stderr.txt" 2>/dev/null && leaks="$leaks stderr:$s"
done
check "no webhook secret on screen, in the state file or the audit log" test -z "$leaks"
[ -n "$leaks" ] && diag "leaked: $leaks"
[ -n "${KEEP_SCREEN:-}" ] && tui_screen > "$KEEP_SCREEN"
finish
