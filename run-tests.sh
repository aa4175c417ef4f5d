#!/bin/sh
# The test command: installs what it needs, builds (also with ASan+UBSan),
# starts real services on 127.0.0.1, runs every test, stops the services.
exec "$(dirname "$0")/tests/run-all.sh" "$@"
