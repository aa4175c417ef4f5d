#!/bin/bash
# The soak in one minute (bench/soak with SOAK_S=60): alert and log churn,
# PostgreSQL killed and restarted, an Alertmanager peer restarted, Loki
# answering 500, Redis connections dropped, keys and audited actions all
# along.  The checks are bench/soak's own TAP lines: the console never
# dies, the heap it holds stays flat, descriptors and sockets come back,
# every audit line is in the file and in PostgreSQL exactly once, each
# backend is shown down while down and up again within two intervals.
# The soak runs its own sandbox on SANDBOX_PORT_BASE+600..+620 and ends
# within SOAK_LIMIT seconds (default 240: a minute of soak, the sandbox's
# start, the last fault's end, the checks); past that it is stopped, its
# sandbox too, and the test fails saying so.
. "$(dirname "$0")/../lib/common.sh"
limit=${SOAK_LIMIT:-240}
start=$(date +%s)
SOAK_S=60 SOAK_PORT_BASE=$(( ${SANDBOX_PORT_BASE:-20000} + 600 )) CERES_TOP=$CERES_TOP \
	timeout -k 20 "$limit" "$TESTS_DIR/../bench/soak"
rc=$?
diag "soak: exit $rc after $(( $(date +%s) - start )) s; load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
case $rc in
0|1) ;;		# the soak's TAP lines say what passed and what failed
124|137) not_ok "the soak ended within $limit s" ;;
*) not_ok "the soak ran (exit $rc: could not start or was stopped)" ;;
esac
[ "$rc" = 0 ]
