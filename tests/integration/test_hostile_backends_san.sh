#!/usr/bin/env bash
# The hostile-backend --once cases again, for the runner's ASan+UBSan pass
# (it runs tests/integration/test_*_san.sh with the sanitizer build): any
# AddressSanitizer or UBSan report lands on stderr, which the test requires
# to be empty, or changes the exit status it requires.
exec bash "$(dirname "$0")/test_hostile_backends.sh" "$@"
