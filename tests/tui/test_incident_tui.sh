#!/usr/bin/env bash
# The incident view in the console, against the sandbox (real Prometheus
# rule, real Alertmanager and Redmine, Loki and Gitea fakes): `2`, select
# the alert, `i`: the view shows only the matching lines of the window,
# the push before the start with its lead time (not the old one), the
# runbook; `z` zooms; Esc leaves with the selection kept; `E` writes the
# report with its sections; `R` creates a Redmine issue that Redmine's API
# lists with the report as description; both are audited; with -r both
# are refused and nothing is created.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env
. "$TESTS_DIR/integration/alerts-lib.sh"
. "$TESTS_DIR/integration/incident-lib.sh"
trap 'tui_stop; incident_cleanup' EXIT
not_on_screen_f() { ! tmux -L "$TUI_SOCK" capture-pane -t "$TUI_SESSION" -p | grep -qF -- "$1"; }

R=http://127.0.0.1:$REDMINE_PORT
KEY=$(cat "$SANDBOX_DIR/secrets/redmine.key")
issues_with() {	# TAG: how many Redmine issues of project ops carry TAG in the subject
	curl -fsS --max-time 10 -H "X-Redmine-API-Key: $KEY" "$R/issues.json?project_id=ops&status_id=*&limit=100&sort=id:desc" |
		python3 -c 'import json,sys; print(sum(1 for i in json.load(sys.stdin)["issues"] if sys.argv[1] in i["subject"]))' "$1"
}

# Keep only this run's alert in view: a [site] would do, the selection by search is simpler.
open_view() {
	tui_keys 2
	tui_wait "CeresIncident" 20 || return 1
	tui_keys /
	tui_type "incident test $TAG"
	tui_keys Enter
	sleep 0.3
	tui_keys i
	tui_wait "Incident: CeresIncident" 10
}

tui_start 160 50 -c "$TEST_TMP/config" -r
check "read-only: the view opens" open_view
check "read-only: E is refused" bash -c 'tmux -L "$1" send-keys -t "$2" E; sleep 0.5; tmux -L "$1" capture-pane -t "$2" -p | grep -q "read-only: actions are disabled"' _ "$TUI_SOCK" "$TUI_SESSION"
tui_keys R
sleep 1
check "read-only: no report written" bash -c '! ls "$1"/*.md >/dev/null 2>&1' _ "$TEST_TMP/reports"
check "read-only: no Redmine issue" test "$(issues_with "$TAG")" = 0
tui_keys A
sleep 0.5
tui_keys s
sleep 0.5
check "read-only: s and A in the view open no silence flow" bash -c '! tmux -L "$1" capture-pane -t "$2" -p | grep -q -e "Acknowledge" -e "Silence"' _ "$TUI_SOCK" "$TUI_SESSION"
check "read-only: no silence reaches Alertmanager" bash -c '! curl -fsS --max-time 5 "$1/api/v2/silences" | grep -q "\"value\":\"$2\""' _ "$AM1" "$TAG"
check "read-only: nothing in the audit log" bash -c '! grep -q incident "$1" 2>/dev/null' _ "$TEST_TMP/audit.log"
tui_stop

tui_start 160 50 -c "$TEST_TMP/config"
check "i opens the incident view of the selected alert" open_view
check "the view shows the lines of the alert's instance in the window" tui_wait "mine error at the start" 15
check "... and the line just before the start" tui_has "mine ERROR before the start"
check "... not the other instance's, nor those outside the window" bash -c '! tmux -L "$1" capture-pane -t "$2" -p | grep -q -e "other instance" -e "too early" -e "in the future"' _ "$TUI_SOCK" "$TUI_SESSION"
check "the push before the start with its lead time" tui_has_re "10m before +gitea +push .*deploy before the alert"
check "not the push of a day before" bash -c '! tmux -L "$1" capture-pane -t "$2" -p | grep -q "old deploy"' _ "$TUI_SOCK" "$TUI_SESSION"
check "the sparkline marks the alert's start" tui_has "^ alert start"
tui_keys G
check "the runbook page is readable in the view" tui_wait "Restart the node exporter." 5
tui_keys g

# Following the window: new lines of the alert's stream come in while the
# view is open; p holds them (PAUSED, counted) and shows them on resume.
push_line() {	# TEXT [INSTANCE]: one line of now in the alert's stream (or another instance's)
	python3 - "$L" "${2:-$INST}" "$TAG" "$1" <<'EOF2'
import json, sys, time, urllib.request
url, inst, tag, text = sys.argv[1:5]
st = {"job": "node", "instance": inst, "service": "gitea", "run": tag}
body = {"streams": [{"stream": st, "values": [[str(time.time_ns()), "%s %s" % (tag, text)]]}]}
urllib.request.urlopen(urllib.request.Request(url + "/__loki/push", data=json.dumps(body).encode()), timeout=5)
EOF2
}
check "the logs part follows the window" tui_has "▼ follow"
push_line "followed line one"
push_line "followed other instance" 10.9.9.9:9100
check "a new line of the alert's stream comes in while the view is open" tui_wait "followed line one" 15
check "... and not another instance's" not_on_screen_f "followed other instance"
tui_keys p
check "p pauses: PAUSED is shown" tui_wait "PAUSED" 5
check "... with no line held yet" tui_has "paused, 0 new lines held"
push_line "held line two"
check "while paused, the new line is counted" tui_wait "paused, 1 new line held" 15
check "... and not shown" not_on_screen_f "held line two"
check "... the lines before the pause stay" tui_has "followed line one"
tui_keys p
check "p again resumes: the held line is shown" tui_wait "held line two" 5
check "... and PAUSED is gone" wait_for 5 not_on_screen_f "PAUSED"
check "... following again" tui_has "▼ follow"

# The logs pane's keys over the view.
not_on_screen() { ! tmux -L "$TUI_SOCK" capture-pane -t "$TUI_SESSION" -p | grep -qF -- "$1"; }
tui_keys f
tui_type "$TAG mine error at"; tui_keys Enter
check "f shows only the matching log lines" tui_wait "1 of" 5
check "... the matching one stays" tui_has "mine error at the start"
check "... the other is hidden" not_on_screen "mine ERROR before the start"
tui_keys f C-u Enter
tui_keys F
tui_type "at the start"; tui_keys Enter
check "F hides the matching log lines" wait_for 5 not_on_screen "mine error at the start"
check "... and keeps the others" tui_has "mine ERROR before the start"
tui_keys F C-u Enter
check "empty filters show every line again" tui_wait "mine error at the start" 5
tui_keys /
tui_type "Restart the node"; tui_keys Enter
reversed() { tmux -L "$TUI_SOCK" capture-pane -t "$TUI_SESSION" -p -e | grep -F -- "$1" | grep -qP '\e\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m'; }
not_reversed() { ! reversed "$1"; }
check "/ shows the match in reverse" wait_for 5 reversed "Restart the node exporter."
check "... and not a line that does not match" not_reversed "runbook_url:"
tui_keys N
check "N keeps it (the only match)" wait_for 5 reversed "Restart the node exporter."
tui_keys / C-u
tui_type "no such line $TAG"; tui_keys Enter
check "a search without a match says so" tui_wait "no match for no such line" 5
tui_keys / C-u Enter
tui_keys g
tui_keys W
check "W toggles wrapping without losing the view" tui_has "Incident: CeresIncident"
tui_keys W
tui_keys z
check "z zooms the view to the whole screen" wait_for 5 bash -c 'tmux -L "$1" capture-pane -t "$2" -p | sed -n 2p | grep -q "Incident: CeresIncident"' _ "$TUI_SOCK" "$TUI_SESSION"
tui_keys z

tui_keys E
check "E asks first" tui_wait "Write the incident report to" 5
tui_type y; tui_keys Enter
check "E writes the report and shows its path" tui_wait "report written:" 5
rep=$(ls "$TEST_TMP"/reports/*-CeresIncident.md 2>/dev/null | head -1)
check "the report has its sections" bash -c '[ -n "$1" ] && for s in "# Incident: CeresIncident" "## Runbook" "## Timeline" "## Changes" "## Logs" "## Actions taken"; do grep -q "^$s" "$1" || exit 1; done' _ "$rep"
check "the report holds the matching lines and the change" bash -c 'grep -q "mine error at the start" "$1" && grep -q "deploy before the alert" "$1" && ! grep -q "other instance" "$1"' _ "$rep"

tui_keys R
check "R asks first" tui_wait "Create a Redmine issue in project ops" 5
tui_type y; tui_keys Enter
check "R creates the issue and shows its number" tui_wait "Redmine issue #" 20
check "Redmine lists the issue with the report as description" python3 - "$R" "$KEY" "$TAG" <<'EOF'
import json, sys, urllib.request
r, key, tag = sys.argv[1:4]
req = urllib.request.Request(r + "/issues.json?project_id=ops&status_id=*&limit=100&sort=id:desc",
                             headers={"X-Redmine-API-Key": key})
issues = [i for i in json.load(urllib.request.urlopen(req, timeout=10))["issues"]
          if "CeresIncident" in i["subject"] and tag in i["subject"]]
assert len(issues) == 1, issues
d = issues[0]["description"]
assert d.startswith("# Incident: CeresIncident") and "## Timeline" in d and "mine error at the start" in d, d[:300]
EOF
check "the audit log has the report and the issue" bash -c 'grep -q "\"incident.report\"" "$1" && grep "\"incident.redmine\"" "$1" | grep -q "issue #"' _ "$TEST_TMP/audit.log"

tui_keys '?'
check "? lists the view's keys" tui_wait "Incident view keys" 5
tui_keys Escape
tui_keys Escape
check "Esc leaves the view" tui_wait_gone "Incident: CeresIncident" 5
check "the alerts pane is focused and still shows the alert" tui_has "CeresIncident"
tui_keys i
check "the selection is kept: i opens the same alert again" tui_wait "Incident: CeresIncident" 5
tui_keys Escape
tui_wait_gone "Incident: CeresIncident" 5

tui_keys Enter
check "Enter opens the alert's details" tui_wait "Fingerprint:" 5
tui_keys i
check "i in the details opens the incident view" tui_wait "Incident: CeresIncident" 5
check "... and closes the details under it" bash -c '! tmux -L "$1" capture-pane -t "$2" -p | grep -q "Fingerprint:"' _ "$TUI_SOCK" "$TUI_SESSION"
tui_keys w
check "w in the view opens the webhook test menu" tui_wait "webhook tests" 5
tui_keys Escape
check "Esc goes back to the view" tui_wait_gone "webhook tests" 5
check "... which is still open" tui_has "Incident: CeresIncident"
tui_keys b
check "b in the view asks for the backup" tui_wait "Run the backup now" 5
tui_type n
sleep 0.3
tui_keys A
check "A in the view asks to acknowledge the view's alert" tui_wait "Acknowledge 1 alert for 15 minutes?" 5
tui_type y; tui_keys Enter
acked() { curl -fsS --max-time 5 "$AM1/api/v2/silences" | python3 -c '
import json, sys
ok = [s for s in json.load(sys.stdin) if s["status"]["state"] == "active" and
      {(m["name"], m["value"]) for m in s["matchers"]} >= {("alertname", "CeresIncident"), ("run", sys.argv[1])}]
sys.exit(0 if ok else 1)' "$TAG"; }
check "Alertmanager has the ack silence of the view's alert" wait_for 10 acked
check "the audit log has the ack of that alert" bash -c 'grep "\"silence.ack\"" "$1" | grep -q "CeresIncident"' _ "$TEST_TMP/audit.log"
tui_keys Escape
tui_wait_gone "Incident: CeresIncident" 5
alive() { ! tui_dead; }
check "the console is still running" alive
tui_keys q
finish
