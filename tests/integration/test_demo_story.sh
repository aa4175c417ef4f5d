#!/bin/bash
# The demo as a new user first runs it: `./demo.sh </dev/null` on the
# standard ports (they must be free) waits for the first rule evaluation and
# prints the --once snapshot of the demo's story (extra arguments go to
# ceres-top: --format json here).  Checks: exit 2; the critical
# DatabaseConnectionPoolExhausted alert; the push to ceres/infra ten minutes
# before it; the Redmine issue; "too many clients" log lines from before
# the alert; the certificate warning silenced with a comment; none of the
# tests' hostile data; and nothing left behind (directory, services).
. "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd)
DEMO_DIR=/tmp/ceres-top-demo-test.$$   # postgres must traverse it: not under TEST_TMP
STD_PORTS="9090 9093 9094 9100 5432 6379 2019 8088 3002 3100 3001 3000 3200 3003 3004 8080 8081 9000 8065 8099"
busy=""
for p in $STD_PORTS; do
	ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$" && busy="$busy $p"
done
check "the standard ports are free (busy:${busy:- none})" [ -z "$busy" ]
[ -z "$busy" ] || finish

OUT=$TEST_TMP/demo.json
# jx EXPR [REGEX]: the expression over the output (as j) matches REGEX (default True)
jx() { json_get "$OUT" "$1" 2>/dev/null | grep -qE -- "${2:-^True\$}"; }
# epoch of an RFC 3339 time
EPOCH='lambda s: __import__("datetime").datetime.fromisoformat(s.replace("Z", "+00:00")[:19] + "+00:00").timestamp()'
t0=$(date +%s)
CERES_DEMO_DIR=$DEMO_DIR "$SRC/demo.sh" --format json </dev/null >"$OUT" 2>"$TEST_TMP/demo.err"
rc=$?
diag "demo.sh exit $rc after $(( $(date +%s) - t0 )) s; its progress lines:"
sed 's/^/#   /' "$TEST_TMP/demo.err"
check "exit status 2 (critical)" [ "$rc" -eq 2 ]
check "the output is JSON" jx 'isinstance(j, dict)'
check "status critical" [ "$(json_get "$OUT" 'j["status"]')" = critical ]

crit='[a for a in j["alerts"] if a["alertname"] == "DatabaseConnectionPoolExhausted"]'
check "the critical alert DatabaseConnectionPoolExhausted is active" \
	[ "$(json_get "$OUT" "[(a['severity'], a['state']) for a in $crit]")" = "[('critical', 'active')]" ]
check "its summary names the database host" jx "$crit[0]['summary']" 'ceres-db01' 

# The change that explains it: a push to ceres/infra about ten minutes before the alert.
push='[a for a in j["activity"] if a["source"] == "gitea" and a["kind"] == "push" and a["where"] == "ceres/infra"]'
check "one push to ceres/infra, about max_connections" \
	[ "$(json_get "$OUT" "len([a for a in $push if 'max_connections' in a['title']])")" = 1 ]
mins=$(json_get "$OUT" "($EPOCH)($crit[0]['starts_at']) - ($EPOCH)($push[0]['time'])")
diag "the push came ${mins%.*} s before the alert"
check "the push came 9 to 12 minutes before the alert" python3 -c "import sys; sys.exit(not 540 <= float('$mins') <= 720)"
check "a Redmine issue tracks it" jx '[a["title"] for a in j["activity"] if a["source"] == "redmine" and a["kind"] == "issue_opened"]' 'ceres-db01: PostgreSQL' 
check "every Gitea event appears once (no copies per repository)" \
	[ "$(json_get "$OUT" 'len({(a["kind"], a["title"]) for a in j["activity"] if a["source"] == "gitea"}) == len([a for a in j["activity"] if a["source"] == "gitea"])')" = True ]

# The service's errors, building up before the alert.
errs='[l for l in j["logs"] if "too many clients" in l["line"]]'
check "log lines say 'too many clients'" [ "$(json_get "$OUT" "len($errs) >= 5")" = True ]
check "the first of them is 3 minutes or more before the alert" jx "($EPOCH)($crit[0]['starts_at']) - ($EPOCH)($errs[0]['ts']) >= 180"

# The warning that someone silenced, with a comment.
warn='[a for a in j["alerts"] if a["alertname"] == "TLSCertificateExpiresSoon"]'
check "the warning TLSCertificateExpiresSoon is there, suppressed" \
	[ "$(json_get "$OUT" "[(a['severity'], a['state']) for a in $warn]")" = "[('warning', 'suppressed')]" ]
sid=$(json_get "$OUT" "$warn[0]['silenced_by'][0]")
check "its silence has an author and a comment" \
	[ "$(json_get "$OUT" "[bool(s['created_by'] and s['comment']) for s in j['silences'] if s['id'] == '$sid']")" = "[True]" ]

# The demo's own data, not the tests' fixtures.
check "no escape sequences or test fixtures in the output" \
	bash -c "! grep -qE 'pwned|Ghost|a_future_op_type|jürgen|SandboxAlwaysFiring|CeresTestCritical|\\\\u001b' '$OUT'"

# Nothing left behind.
check "the demo directory is removed on exit" [ ! -e "$DEMO_DIR" ]
left=""
for p in $STD_PORTS; do
	ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$" && left="$left $p"
done
check "no demo service still listens (left:${left:- none})" [ -z "$left" ]
[ -e "$DEMO_DIR" ] && { "$SRC/tests/sandbox/sandbox.sh" stop "$DEMO_DIR" >/dev/null 2>&1; rm -rf "$DEMO_DIR"; }
finish
