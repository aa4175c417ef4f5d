#!/bin/bash
# The release tarball builds, passes `make check` and installs cleanly
# (automake's distcheck), from a VPATH build of this tree.
. "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd)
B=$TEST_TMP/distcheck
mkdir -p "$B"
cd "$B" || exit 1
check "configure (VPATH)" bash -c "'$SRC/configure' -q > configure.log 2>&1"
check "make distcheck" bash -c "make -j2 distcheck > distcheck.log 2>&1 || { tail -30 distcheck.log; exit 1; }"
check "tarball produced" bash -c "ls ceres-top-*.tar.gz >/dev/null"
check "tarball has the sandbox and tests" bash -c "tar tzf ceres-top-*.tar.gz | grep -q 'tests/sandbox/sandbox.sh' && tar tzf ceres-top-*.tar.gz | grep -q 'tests/unit/test_config.c'"
finish
