#!/bin/sh
# Configure and build into _build (and _build-san with ASan+UBSan when
# given "san").  Warnings are errors.
set -e
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
build() {
	dir=$1; shift
	mkdir -p "$dir"
	( cd "$dir"
	  [ -f Makefile ] || ../configure -q --enable-werror "$@"
	  make -s -j2 all >/dev/null
	  make -s -j2 check TESTS= >/dev/null )
}
build _build
[ "${1:-}" = san ] && build _build-san --enable-sanitizers
exit 0
