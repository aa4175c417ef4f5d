# Helpers of the readiness tests: one --once run of the readiness pane to
# $RJ and the status (and evidence) of a check, an assessment item or a
# plan item read from it.  Source after common.sh.
RJ=${RJ:-$TEST_TMP/readiness.json}

# rd_once [CONFIG]: the readiness snapshot as JSON in $RJ, stderr in $TEST_TMP/err
rd_once() { "$CERES_TOP" -c "${1:-$TEST_TMP/ceres.conf}" --once --panes readiness --format json > "$RJ" 2> "$TEST_TMP/err"; }

expect_check() {	# ID STATUS [EVIDENCE-SUBSTRING]
	local line st ev
	line=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))
c=[c for k in j["readiness"]["categories"] for c in k["checks"] if c["id"]==sys.argv[2]]
print(c[0]["status"] + "\t" + c[0]["evidence"] if c else "missing\t")' "$RJ" "$1")
	st=${line%%$'\t'*}; ev=${line#*$'\t'}
	if [ "$st" = "$2" ] && { [ -z "${3:-}" ] || [[ $ev == *"$3"* ]]; }; then
		ok "$1 is $2: $ev"
	else
		not_ok "$1: got $st \"$ev\", want $2 with \"${3:-}\""
	fi
}

# item TITLE: the status of an assessment item (or matrix line)
item() { json_get "$RJ" "[i['status'] for i in j['readiness']['items'] if i['title'] == '$1'][0]"; }
# plan_item TITLE [PHASE-INDEX]: the status of an item of a plan phase (default the first)
plan_item() { json_get "$RJ" "[i['status'] for i in j['readiness']['plan']['phases'][${2:-0}]['items'] if i['title'] == '$1'][0]"; }
