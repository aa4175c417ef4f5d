#!/bin/bash
# Silences from the console, in tmux, against the sandbox's Alertmanager:
# select an alert, s, untick a label, duration, a (required) comment, the
# preview, confirm; the silence exists with those matchers and createdBy
# and the alert shows as silenced; S lists it, x expires it.  A on a group
# of 12 alerts asks to type "yes"; e extends.  Read-only mode refuses every
# action and creates nothing; an unwritable audit log blocks the action.
# The audit log holds exactly one line per action taken.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
. "$(dirname "$(dirname "$0")")/integration/alerts-lib.sh"
# Run the console through a wrapper that records its exit status (tmux's
# pane_dead_status is not reliable here); exited_ok reads and clears it.
WRAP=$TEST_TMP/wrap.sh
printf '#!/bin/sh\n"%s" "$@"\necho $? > "%s/exit"\n' "$CERES_TOP" "$TEST_TMP" > "$WRAP"
chmod +x "$WRAP"
CERES_TOP=$WRAP
exited_ok() { wait_for 5 test -s "$TEST_TMP/exit" && [ "$(cat "$TEST_TMP/exit")" = 0 ] && rm -f "$TEST_TMP/exit"; }

TID=tui$$x$RANDOM
BID=bulk$$x$RANDOM
export USER=ceres-tui-test
CREATOR="$USER@$(hostname)"
AUDIT=$TEST_TMP/audit.log
CFG=$TEST_TMP/config
sed "s|^audit_log = .*|audit_log = $AUDIT|" "$SANDBOX_DIR/config" > "$CFG"
chmod 600 "$CFG"

cleanup() {
	tui_stop
	# Resolve our alerts and expire any silence of ours still active.
	[ -f "$TEST_TMP/alerts.json" ] && python3 -c '
import json,sys,datetime
a=json.load(open(sys.argv[1]))
for x in a: x["endsAt"]=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
json.dump(a, open(sys.argv[2], "w"))' "$TEST_TMP/alerts.json" "$TEST_TMP/resolve.json" && am_post "$AM1" "$TEST_TMP/resolve.json"
	for id in $(silences_of "$TID|$BID" active); do am_expire "$AM1" "$id"; done
	restore_test_rules
}
trap cleanup EXIT

# silences_of REGEX STATE: ids of silences with a matcher value matching REGEX.
silences_of() {
	curl -fsS "$AM1/api/v2/silences" | python3 -c '
import json,sys,re
for s in json.load(sys.stdin):
    if s["status"]["state"]==sys.argv[2] and any(re.fullmatch(sys.argv[1], m["value"]) for m in s["matchers"]):
        print(s["id"])' "$1" "$2"
}

python3 - "$TID" "$BID" "$TEST_TMP/alerts.json" <<'EOF'
import json, sys, datetime
tid, bid, out = sys.argv[1], sys.argv[2], sys.argv[3]
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
a = [{"labels": {"alertname": "CeresTuiTest", "severity": "critical", "instance": "tui-host", "tui_id": tid},
      "annotations": {"summary": "TUI silence test", "runbook_url": "https://wiki.ceres.example/runbooks/ServiceDown"},
      "startsAt": f(n), "endsAt": f(n + datetime.timedelta(minutes=15))}]
for i in range(12):
    a.append({"labels": {"alertname": "CeresTuiBulk-" + bid, "severity": "warning", "instance": "bulk-%02d" % i, "bulk_id": bid},
              "annotations": {"summary": "bulk %d" % i}, "startsAt": f(n), "endsAt": f(n + datetime.timedelta(minutes=15))})
json.dump(a, open(out, "w"))
EOF
check "posted the test alerts to Alertmanager" am_post "$AM1" "$TEST_TMP/alerts.json"

# ---- s: create a silence
tui_start 160 45 -c "$CFG"
check "console up" tui_wait "ceres-top │ sandbox" 10
tui_keys 2
check "alerts pane shows the test alert" tui_wait "CeresTuiTest" 15
tui_keys /
check "/ asks what to search" tui_wait "search alerts:" 3
tui_type "$TID"
tui_keys Enter
tui_keys s
check "s opens the label checklist" tui_wait "Labels to match" 3
check "checklist has every label ticked" bash -c 'for l in alertname=\"CeresTuiTest\" instance=\"tui-host\" severity=\"critical\" "tui_id=\"$1\""; do tmux -L "$2" capture-pane -t t -p | grep -qF "[x] $l" || exit 1; done' _ "$TID" "$TUI_SOCK"
check "it matches 1 current alert" tui_wait "matches 1 current alert" 3
tui_keys j Space
check "Space unticks instance" tui_wait '[ ] instance="tui-host"' 3
tui_keys Enter
check "Enter asks for the duration (default 2h)" tui_wait "duration: 2h" 3
tui_keys C-u
tui_type "soon"
tui_keys Enter
check "a bad duration is refused and asked again" tui_wait "duration: soon" 3
tui_keys C-u
tui_type "30m"
tui_keys Enter
check "then the comment" tui_wait "comment (required):" 3
tui_keys Enter
check "an empty comment is asked again" tui_wait "a comment is required (Esc cancels):" 3
tui_type "tui test – Wartung"
tui_keys Enter
check "preview lists the alert the silence would match" tui_wait "It silences 1 current alert:" 3
check "preview shows the matchers and creator" bash -c 's=$(tmux -L "$1" capture-pane -t t -p); echo "$s" | grep -qF "tui_id=\"$2\"" && echo "$s" | grep -qF "Created by: $3" && ! echo "$s" | grep -qF "  instance=\"tui-host\""' _ "$TUI_SOCK" "$TID" "$CREATOR"
check "and asks to confirm" tui_wait "Create the silence (1 alert)? [y/N]" 3
tui_type y
tui_keys Enter
check "silence created message" tui_wait "silence created:" 10
SID=$(silences_of "$TID" active | head -1)
check "the silence exists in Alertmanager ($SID)" [ -n "$SID" ]
check "with the ticked matchers, createdBy, comment and 30m" python3 -c '
import json,sys,urllib.request,datetime
s=json.load(urllib.request.urlopen(sys.argv[1]+"/api/v2/silence/"+sys.argv[2]))
m=sorted((x["name"],x["value"],x["isRegex"],x.get("isEqual",True)) for x in s["matchers"])
assert m==[("alertname","CeresTuiTest",False,True),("severity","critical",False,True),("tui_id",sys.argv[3],False,True)], m
assert s["createdBy"]==sys.argv[4], s["createdBy"]
assert s["comment"]=="tui test – Wartung", s["comment"]
p=lambda t: datetime.datetime.fromisoformat(t.replace("Z","+00:00"))
d=(p(s["endsAt"])-p(s["startsAt"])).total_seconds()
assert 1780 < d <= 1801, d' "$AM1" "$SID" "$TID" "$CREATOR"
check "the alert shows as silenced" wait_for 15 tui_has_re "CeresTuiTest .*silenced"

# ---- S, x: expire it
tui_keys S
check "S lists silences" tui_wait "e extend, x expire" 3
tui_keys /
tui_type "$TID"
tui_keys Enter
tui_keys x
check "x asks to confirm the expiry" tui_wait "Expire silence ${SID:0:8}" 3
tui_type y
tui_keys Enter
check "silence expired message" tui_wait "silence expired: $SID" 10
expired() { curl -fsS "$AM1/api/v2/silence/$SID" | grep -q '"state":"expired"'; }
check "Alertmanager has it expired" wait_for 5 expired
tui_keys Escape

# ---- A on a group of 12: type yes; then e extends
tui_keys /
tui_type "$BID"
tui_keys Enter
tui_keys Space
check "the bulk group is selected (folded: 12 alerts)" wait_for 3 tui_has_re "▸ warning +CeresTuiBulk-.* ×12 "
tui_keys A
check "A previews 12 alerts" tui_wait "It silences these 12 current alerts:" 3
check "more than 10: must type yes" tui_wait "This silences 12 alerts. Type yes to confirm:" 3
tui_type y
tui_keys Enter
check "y alone is not yes: nothing created" tui_wait "cancelled: no silence created" 3
check "no ack silence exists" [ -z "$(silences_of "$BID" active)" ]
tui_keys A
tui_wait "Type yes to confirm:" 3
tui_type yes
tui_keys Enter
check "acknowledged message" tui_wait "acknowledged:" 10
AID=$(silences_of "$BID" active | head -1)
check "ack: 15 minutes, comment ack, the group's common labels" python3 -c '
import json,sys,urllib.request,datetime
s=json.load(urllib.request.urlopen(sys.argv[1]+"/api/v2/silence/"+sys.argv[2]))
m=sorted((x["name"],x["value"]) for x in s["matchers"])
assert m==[("alertname","CeresTuiBulk-"+sys.argv[3]),("bulk_id",sys.argv[3]),("severity","warning")], m
assert s["comment"]=="ack" and s["createdBy"]==sys.argv[4], s
p=lambda t: datetime.datetime.fromisoformat(t.replace("Z","+00:00"))
d=(p(s["endsAt"])-p(s["startsAt"])).total_seconds()
assert 880 < d <= 901, d' "$AM1" "$AID" "$BID" "$CREATOR"
OLD_END=$(curl -fsS "$AM1/api/v2/silence/$AID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["endsAt"])')
tui_keys S /
tui_type "$BID"
tui_keys Enter e
check "e asks how long to extend" tui_wait "extend by: 2h" 3
tui_keys C-u
tui_type 1h
tui_keys Enter
check "and confirms the new end" tui_wait "Extend silence ${AID:0:8} by 1h" 3
tui_type y
tui_keys Enter
check "silence extended message" tui_wait "silence extended:" 10
check "same silence, end one hour later" python3 -c '
import json,sys,urllib.request,datetime
s=json.load(urllib.request.urlopen(sys.argv[1]+"/api/v2/silence/"+sys.argv[2]))
p=lambda t: datetime.datetime.fromisoformat(t.replace("Z","+00:00"))
d=(p(s["endsAt"])-p(sys.argv[3])).total_seconds()
assert s["status"]["state"]=="active" and 3599 <= d <= 3601, (s["status"], d)' "$AM1" "$AID" "$OLD_END"
tui_keys x
tui_wait "Expire silence ${AID:0:8}" 3
tui_type y
tui_keys Enter
check "expired the ack" tui_wait "silence expired: $AID" 10
tui_keys Escape q
check "q quits" wait_for 5 tui_dead
check "exit status 0 (no sanitizer report with an ASan build)" exited_ok
tui_stop

check "audit log: exactly one line per action, in order" python3 -c '
import json,sys
L=[json.loads(l) for l in open(sys.argv[1])]
acts=[(l["action"],l["target"],l["result"]) for l in L]
want=[("silence.create",sys.argv[2],"ok"),("silence.expire",sys.argv[2],"ok"),
      ("silence.ack",sys.argv[3],"ok"),("silence.extend",sys.argv[3],"ok"),("silence.expire",sys.argv[3],"ok")]
assert acts==want, acts
c=L[0]["parameters"]
assert c["duration"]=="30m" and c["comment"]=="tui test – Wartung", c
assert sorted(c["matchers"])==sorted(["alertname=\"CeresTuiTest\"","severity=\"critical\"","tui_id=\"%s\"" % sys.argv[4]]), c
assert L[2]["parameters"]["duration"]=="15m" and L[2]["parameters"]["comment"]=="ack"
assert L[3]["parameters"]["duration"]=="1h"
assert all(l["user"]=="ceres-tui-test" and l["site"]=="sandbox" for l in L)' "$AUDIT" "$SID" "$AID" "$TID"

# ---- read-only: every action refused, nothing created, nothing audited
before=$(curl -fsS "$AM1/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
tui_start 160 45 -c "$CFG" -r
check "read-only console up" tui_wait "READ-ONLY" 10
tui_keys 2
tui_wait "CeresTuiTest" 15
tui_keys /
tui_type "$TID"
tui_keys Enter s
check "s refused with a visible message" tui_wait "read-only: actions are disabled" 3
check "no checklist opened" bash -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -qF 'Labels to match'"
tui_keys A
check "A refused, no preview" bash -c "sleep 0.3; ! tmux -L $TUI_SOCK capture-pane -t t -p | grep -qF 'Acknowledge: preview'"
tui_keys S
check "S still lists silences (viewing is not an action)" tui_wait "e extend, x expire" 3
tui_keys x
check "x refused" tui_wait "read-only: actions are disabled" 3
check "no expiry question" bash -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -qF 'Expire silence'"
tui_keys Escape q
wait_for 5 tui_dead
tui_stop
after=$(curl -fsS "$AM1/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "read-only created no silence ($before -> $after)" [ "$before" = "$after" ]
check "read-only wrote nothing to the audit log" [ "$(wc -l < "$AUDIT")" -eq 5 ]

# ---- an unwritable audit log blocks the action
sed "s|^audit_log = .*|audit_log = /proc/ceres-top-no-such-dir/audit.log|" "$SANDBOX_DIR/config" > "$TEST_TMP/noaudit.conf"
chmod 600 "$TEST_TMP/noaudit.conf"
tui_start 160 45 -c "$TEST_TMP/noaudit.conf"
tui_wait "ceres-top │ sandbox" 10
tui_keys 2
tui_wait "CeresTuiTest" 15
tui_keys /
tui_type "$TID"
tui_keys Enter A
check "ack preview" tui_wait "Acknowledge 1 alert for 15 minutes? [y/N]" 3
tui_type y
tui_keys Enter
check "blocked: cannot write the audit log" tui_wait "not sent: cannot write the audit log" 5
check "nothing was sent" [ -z "$(silences_of "$TID" active)" ]
tui_keys q
wait_for 5 tui_dead
check "exit status 0 after the refused action" exited_ok

finish
