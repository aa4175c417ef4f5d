#!/bin/bash
# The binary of a build directory, run from there before `make install`,
# finds the shipped themes and translations of its source tree (src/core/
# paths.c); a copy of it elsewhere looks in the installed directories only.
. "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd -P)
unset CERES_TOP_THEME_PATH CERES_TOP_LOCALEDIR
export XDG_CONFIG_HOME=$TEST_TMP/xdg HOME=$TEST_TMP/home
mkdir -p "$HOME"
cd "$TEST_TMP"   # not the source tree: nothing relative to the working directory

want=$(cd "$SRC/themes" && ls -1 ./*.theme | sed 's|^\./||; s|\.theme$||' | sort | tr '\n' ' ')
got=$("$CERES_TOP" --list-themes | sort | tr '\n' ' ')
diag "shipped: $want; listed: $got"
check "--list-themes lists every theme of themes/ ($want)" [ "$got" = "$want" ]
check "--theme noc works from the build tree" bash -c "'$CERES_TOP' --check-theme noc | head -1 | grep -qF '$SRC/themes/noc.theme'"
check "the build tree has its catalogues in locale/" test -s "$(dirname "$CERES_TOP")/locale/ru/LC_MESSAGES/ceres-top.mo"
check "--help in Russian without CERES_TOP_LOCALEDIR" bash -c "LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 '$CERES_TOP' --help | grep -q 'Использование: ceres-top'"

# A copy outside the build directory is an installed binary: not the source tree.
cp "$CERES_TOP" "$TEST_TMP/ceres-top-copy"
out=$("$TEST_TMP/ceres-top-copy" --check-theme noc 2>&1)
check "a copy elsewhere does not read the source tree's themes" bash -c "! grep -qF '$SRC/themes' <<<\"\$1\"" _ "$out"
check "a copy elsewhere lists default" bash -c "'$TEST_TMP/ceres-top-copy' --list-themes | grep -qx default"
finish
