#!/usr/bin/env bash
# Operator speed, counted in keys, against the sandbox's real Alertmanager:
# a y/n question takes one key (y), so silencing the selected alert with a
# comment is s Enter Enter COMMENT Enter y (5 keys plus the comment; the
# target is at most 6) and acknowledging it is A y (2 keys).  An Enter
# typed after the y out of habit does nothing (no details overlay opens).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
. "$(dirname "$(dirname "$0")")/integration/alerts-lib.sh"

KID=keys$$x$RANDOM
export USER=ceres-keys-test
CFG=$TEST_TMP/config
sed "s|^audit_log = .*|audit_log = $TEST_TMP/audit.log|" "$SANDBOX_DIR/config" > "$CFG"
chmod 600 "$CFG"
silences_of() {
	curl -fsS "$AM1/api/v2/silences" | python3 -c '
import json,sys
for s in json.load(sys.stdin):
    if s["status"]["state"]=="active" and any(m["value"]==sys.argv[1] for m in s["matchers"]):
        print(s["id"], s["comment"])' "$1"
}
cleanup() {
	tui_stop
	[ -f "$TEST_TMP/alerts.json" ] && python3 -c '
import json,sys,datetime
a=json.load(open(sys.argv[1]))
for x in a: x["endsAt"]=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
json.dump(a, open(sys.argv[2], "w"))' "$TEST_TMP/alerts.json" "$TEST_TMP/resolve.json" && am_post "$AM1" "$TEST_TMP/resolve.json"
	for id in $(silences_of "$KID" | cut -d' ' -f1); do am_expire "$AM1" "$id"; done
}
trap cleanup EXIT
python3 - "$KID" "$TEST_TMP/alerts.json" <<'PY'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"labels": {"alertname": "CeresKeysTest", "severity": "critical", "keys_id": sys.argv[1]},
            "annotations": {"summary": "key count test"}, "startsAt": f(n),
            "endsAt": f(n + datetime.timedelta(minutes=15))}], open(sys.argv[2], "w"))
PY
check "posted the test alert" am_post "$AM1" "$TEST_TMP/alerts.json"

tui_start 160 45 -c "$CFG"
check "console up" tui_wait "sandbox" 10
tui_keys 2
check "the alert is shown" tui_wait "CeresKeysTest" 15
tui_keys /; tui_type "$KID"; tui_keys Enter	# select it (navigation, not counted)
tui_wait "CeresKeysTest" 3

# ---- silence: s Enter Enter COMMENT Enter y = 5 keys + the comment
N=0
k() { N=$((N + 1)); tui_keys "$1"; sleep 0.3; }
k s; tui_wait "Labels to match" 3
k Enter; tui_wait "duration:" 3
k Enter; tui_wait "comment" 3
tui_type "maintenance"; k Enter
tui_wait "[y/N]" 5
k y
check "silence created with one key to confirm" tui_wait "silence created:" 10
check "silence with a comment in at most 6 keys ($N)" test "$N" -le 6
check "the silence exists in Alertmanager" bash -c "[ -n \"\$(curl -fsS '$AM1/api/v2/silences' | grep -F '$KID')\" ]"
for id in $(silences_of "$KID" | cut -d' ' -f1); do am_expire "$AM1" "$id"; done
check "expired again (the alert is active)" wait_for 15 tui_has_re "CeresKeysTest.*active"

# ---- ack: A y = 2 keys
tui_keys /; tui_type "$KID"; tui_keys Enter
N=0
k A
tui_wait "[y/N]" 5
N=$((N + 1)); tui_keys y Enter	# y, and the Enter typed after it out of habit
check "ack in 2 keys ($N)" test "$N" -eq 2
sleep 0.5
check "the Enter typed after y opened nothing" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Fingerprint'"
check "the ack silence exists (comment ack)" wait_for 10 bash -c "silences_of() { curl -fsS '$AM1/api/v2/silences' | python3 -c 'import json,sys; print([s[\"comment\"] for s in json.load(sys.stdin) if s[\"status\"][\"state\"]==\"active\" and any(m[\"value\"]==\"$KID\" for m in s[\"matchers\"])])'; }; silences_of | grep -q \"'ack'\""
finish
