#!/bin/bash
# The soak in one minute (bench/soak with SOAK_S=60): alert and log churn,
# PostgreSQL killed and restarted, an Alertmanager peer restarted, Loki
# answering 500, Redis connections dropped, keys and audited actions all
# along.  The checks are bench/soak's own TAP lines: the console never
# dies, memory stays flat, descriptors and sockets come back, every audit
# line is in the file and in PostgreSQL exactly once, each backend is
# shown down while down and up again within two intervals.  The soak runs
# its own sandbox on SANDBOX_PORT_BASE+600..+619.
. "$(dirname "$0")/../lib/common.sh"
SOAK_S=60 SOAK_PORT_BASE=$(( ${SANDBOX_PORT_BASE:-20000} + 600 )) CERES_TOP=$CERES_TOP \
	"$TESTS_DIR/../bench/soak"
