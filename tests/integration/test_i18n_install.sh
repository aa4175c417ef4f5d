#!/bin/bash
# `make install DESTDIR=...` installs the binary, both man pages, the
# themes, the Russian catalogue, themes.md, example configs, runbooks and
# the bash completion; the man pages render without a groff warning and
# document every option, config key, theme role and ':' command; the
# installed completion completes options and theme names; `make
# uninstall` removes everything again.
. "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd)
BUILD=$(cd "$(dirname "$CERES_TOP")" && pwd)
DEST=$TEST_TMP/dest
mkvar() { sed -n "s|^$1 = ||p" "$BUILD/Makefile" | head -1; }
prefix=$(mkvar prefix)
P=$DEST$prefix

make -s -C "$BUILD" install DESTDIR="$DEST" > "$TEST_TMP/install.log" 2>&1
rc=$?
check "make install DESTDIR=... succeeds (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/# /' "$TEST_TMP/install.log" | tail -20
check "binary: $prefix/bin/ceres-top" test -x "$P/bin/ceres-top"
check "man page: man1/ceres-top.1" test -f "$P/share/man/man1/ceres-top.1"
check "man page: man5/ceres-top.conf.5" test -f "$P/share/man/man5/ceres-top.conf.5"
for t in default light high-contrast monochrome noc; do
	check "theme $t in \$(pkgdatadir)/themes" test -f "$P/share/ceres-top/themes/$t.theme"
done
check "Russian catalogue: locale/ru/LC_MESSAGES/ceres-top.mo" test -f "$P/share/locale/ru/LC_MESSAGES/ceres-top.mo"
check "the installed catalogue has the Russian help title" bash -c "msgunfmt '$P/share/locale/ru/LC_MESSAGES/ceres-top.mo' | grep -q 'msgstr \"Справка\"'"
check "doc: themes.md" test -f "$P/share/doc/ceres-top/themes.md"
check "bash completion: share/bash-completion/completions/ceres-top" \
	test -f "$P/share/bash-completion/completions/ceres-top"
n_ex=0
for f in "$SRC"/doc/examples/*; do
	[ -f "$f" ] || continue
	n_ex=$((n_ex + 1))
	check "example $(basename "$f") in \$(docdir)/examples" cmp -s "$f" "$P/share/doc/ceres-top/examples/$(basename "$f")"
done
n_rb=0
for f in "$SRC"/doc/runbooks/*.md; do
	[ -f "$f" ] || continue
	n_rb=$((n_rb + 1))
	check "runbook $(basename "$f") in \$(pkgdatadir)/runbooks" cmp -s "$f" "$P/share/ceres-top/runbooks/$(basename "$f")"
done
diag "$n_ex examples and $n_rb runbooks in the source tree"

# Examples and runbooks are picked up whenever they appear: install from a
# source tree that has some (I18N_DOCS_SRC points the rule at it).
FAKE=$TEST_TMP/fakesrc
mkdir -p "$FAKE/doc/examples" "$FAKE/doc/runbooks"
echo "[ceres]" > "$FAKE/doc/examples/minimal.conf"
echo "# Backups" > "$FAKE/doc/runbooks/backup.md"
echo "not a runbook" > "$FAKE/doc/runbooks/notes.txt"
make -s -C "$BUILD" install-i18n-docs I18N_DOCS_SRC="$FAKE/doc" DESTDIR="$TEST_TMP/dest2" > "$TEST_TMP/install2.log" 2>&1
check "examples from doc/examples/* are installed" test -f "$TEST_TMP/dest2$prefix/share/doc/ceres-top/examples/minimal.conf"
check "runbooks from doc/runbooks/*.md are installed" test -f "$TEST_TMP/dest2$prefix/share/ceres-top/runbooks/backup.md"
check "other files in doc/runbooks are not" test ! -e "$TEST_TMP/dest2$prefix/share/ceres-top/runbooks/notes.txt"

# The installed binary finds the installed themes.
check "installed binary lists the installed themes" bash -c \
	"[ \"\$(XDG_CONFIG_HOME=/nonexistent CERES_TOP_THEME_PATH='$P/share/ceres-top/themes' '$P/bin/ceres-top' --list-themes | tr '\n' ' ')\" = 'default high-contrast light monochrome noc ' ]"

# Man pages: no groff warning, man -l renders them.
for page in ceres-top.1 ceres-top.conf.5; do
	groff -ww -man -Tutf8 "$SRC/doc/$page" > "$TEST_TMP/$page.txt" 2> "$TEST_TMP/$page.err"
	check "groff -ww: $page renders without warnings" bash -c "[ ! -s '$TEST_TMP/$page.err' ] && [ -s '$TEST_TMP/$page.txt' ]"
	[ -s "$TEST_TMP/$page.err" ] && sed 's/^/# /' "$TEST_TMP/$page.err" | head -5
	check "man -l $page renders" bash -c "MANWIDTH=80 man -l '$SRC/doc/$page' 2>&1 >/dev/null | { ! grep -q .; }"
done
plain1=$(groff -man -Tutf8 -P-cbou "$SRC/doc/ceres-top.1" 2>/dev/null)
plain5=$(groff -man -Tutf8 -P-cbou "$SRC/doc/ceres-top.conf.5" 2>/dev/null)

# Every long option of src/main.c is in ceres-top(1).
opts=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*_argument.*/\1/p' "$SRC/src/main.c")
check "found the options of main.c ($(wc -w <<<"$opts"))" [ "$(wc -w <<<"$opts")" -ge 10 ]
for o in $opts; do
	check "ceres-top(1) documents --$o" bash -c "grep -q -- '--$o' <<<\"\$1\"" _ "$plain1"
done
# Every theme role, and the ':' commands.
for r in normal ok warn crit unknown dim header selection highlight title border \
	log_error log_warn log_info log_debug sparkline; do
	check "ceres-top(1) and themes.md document role $r" bash -c \
		"grep -qw -- '$r' <<<\"\$1\" && grep -q '\`$r\`' '$SRC/doc/themes.md'" _ "$plain1"
done
for c in help quit refresh site theme query filter; do
	check "ceres-top(1) documents :$c" bash -c "grep -q -- ':$c' <<<\"\$1\"" _ "$plain1"
done
# Every section and key of the config schema is in ceres-top.conf(5).
python3 - "$SRC/src/core/config_schema.c" > "$TEST_TMP/schema.txt" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
body = s[s.index("config_schema[] = {"):s.index("{ NULL, NULL")]
for m in re.finditer(r'(?:ROW|NAMED)\("(\w+)", "(\w+)"|POLLING\("(\w+)"\)|REACH\("(\w+)"\)|TLS_FILES\(\w+, "(\w+)"\)', body):
    if m.group(3):
        print(m.group(3), "interval"); print(m.group(3), "timeout")
    elif m.group(4) or m.group(5):
        sec = m.group(4) or m.group(5)
        for k in (["org_id"] if m.group(4) else []) + ["ca_file", "cert_file", "key_file"]:
            print(sec, k)
    else:
        print(m.group(1), m.group(2))
PY
check "found the config schema ($(wc -l < "$TEST_TMP/schema.txt") keys)" [ "$(wc -l < "$TEST_TMP/schema.txt")" -ge 50 ]
python3 - "$TEST_TMP/schema.txt" "$SRC/doc/ceres-top.conf.5" > "$TEST_TMP/undoc.txt" <<'PY'
import re, sys, subprocess
text = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", sys.argv[2]], capture_output=True, text=True).stdout
# Split the page into its [section] subsections.
parts = re.split(r'\n\s{3}\[(\w+)(?: "NAME")?\]\n', "\n" + text)
secs = {}
for i in range(1, len(parts) - 1, 2):
    secs.setdefault(parts[i], "")
    secs[parts[i]] += parts[i + 1]
for line in open(sys.argv[1]):
    sec, key = line.split()
    body = secs.get(sec)
    if body is None:
        print("section [%s] missing" % sec)
    elif not re.search(r"^\s+%s = " % re.escape(key), body, re.M):
        print("[%s] %s missing" % (sec, key))
PY
sed 's/^/# /' "$TEST_TMP/undoc.txt" | head -20
check "ceres-top.conf(5) documents every section and key of the schema" [ ! -s "$TEST_TMP/undoc.txt" ]

# The installed bash completion: options and theme names.
comp() {	# words... : print COMPREPLY
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ceres_top; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$P/share/bash-completion/completions/ceres-top" "$@"
}
check "completion: --th completes to --theme" bash -c "[ \"\$1\" = --theme ]" _ "$(comp ceres-top --th)"
check "completion: --check-c completes to --check-config" bash -c "[ \"\$1\" = --check-config ]" _ "$(comp ceres-top --check-c)"
check "completion: theme names after --theme" bash -c "[ \"\$(tr '\n' ' ' <<<\"\$1\")\" = 'high-contrast ' ]" _ \
	"$(XDG_CONFIG_HOME=/nonexistent CERES_TOP_THEME_PATH="$P/share/ceres-top/themes" comp "$P/bin/ceres-top" --theme hi)"
check "completion: --format values" bash -c "[ \"\$(tr '\n' ' ' <<<\"\$1\")\" = 'json ' ]" _ "$(comp ceres-top --format j)"
check "completion: --panes completes the last item of a list" bash -c "[ \"\$1\" = health,alerts ]" _ "$(comp ceres-top --panes health,al)"
printf '[site "prod"]\nceres.interval = 9\n[site "staging"]\nceres.interval = 9\n' > "$TEST_TMP/sites.conf"
check "completion: site names from the config given with -c" bash -c "[ \"\$(tr '\n' ' ' <<<\"\$1\")\" = 'staging ' ]" _ "$(comp ceres-top -c "$TEST_TMP/sites.conf" -s st)"

# make uninstall leaves no file behind.
make -s -C "$BUILD" uninstall DESTDIR="$DEST" > "$TEST_TMP/uninstall.log" 2>&1
left=$(find "$DEST" -type f | sed "s|^$DEST||")
check "make uninstall removes every installed file" [ -z "$left" ]
[ -n "$left" ] && diag "left: $left"
finish
