#!/bin/bash
# The Russian catalogue is complete and right: msgfmt finds no untranslated
# or fuzzy entry; a template regenerated with xgettext from POTFILES.in has
# no msgid that ru.po lacks; every source file with marked strings is in
# POTFILES.in; Russian plural forms pick 1/2/5 correctly; `make update-po`
# works (on a copy of the tree); and the machine interfaces of --once
# (JSON, nagios, the status words of text) stay English under LANG=ru.
. "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd)
BUILD=$(cd "$(dirname "$CERES_TOP")" && pwd)
PO=$SRC/po/ru.po
# The translations of this tree, for the uninstalled binary.
mkdir -p "$TEST_TMP/locale/ru/LC_MESSAGES"
msgfmt -o "$TEST_TMP/locale/ru/LC_MESSAGES/ceres-top.mo" "$PO"
export CERES_TOP_LOCALEDIR=$TEST_TMP/locale

# 1. msgfmt: everything translated, nothing fuzzy, formats match.
stats=$(msgfmt --check --statistics -o "$TEST_TMP/ru.mo" "$PO" 2>&1)
diag "msgfmt: $stats"
check "msgfmt --check accepts ru.po" msgfmt --check -o /dev/null "$PO"
check "ru.po: no untranslated messages" bash -c "! grep -q untranslated <<<\"\$1\"" _ "$stats"
check "ru.po: no fuzzy messages" bash -c "! grep -q fuzzy <<<\"\$1\"" _ "$stats"
n=$(sed -n 's/^\([0-9]*\) translated message.*/\1/p' <<<"$stats")
check "ru.po has translations (${n:-0})" [ "${n:-0}" -ge 200 ]
check "no '#, fuzzy' entry in the file" bash -c "! grep -q '^#, .*fuzzy' '$PO'"

# 2. A fresh template from POTFILES.in with the keywords of po/Makevars.
opts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$SRC/po/Makevars")
files=$(grep -v '^#' "$SRC/po/POTFILES.in" | grep -v '^[[:space:]]*$')
missing_files=0
for f in $files; do [ -f "$SRC/$f" ] || { diag "POTFILES.in lists a missing file: $f"; missing_files=1; }; done
check "every file in POTFILES.in exists" [ $missing_files -eq 0 ]
# shellcheck disable=SC2086
( cd "$SRC" && xgettext $opts --package-name=ceres-top -o "$TEST_TMP/ceres-top.pot" $files ) 2>"$TEST_TMP/xgettext.err"
check "xgettext builds a template from POTFILES.in" [ -s "$TEST_TMP/ceres-top.pot" ]
python3 - "$TEST_TMP/ceres-top.pot" "$PO" > "$TEST_TMP/cmp.out" <<'PY'
import re, sys
def entries(path):
    out, cur, key = [], None, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r'^(#~ )?(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            if m.group(1):
                continue        # obsolete entries do not count
            if m.group(2) == "msgid":
                cur = {"msgid": "", "strs": []}
                out.append(cur)
            key = m.group(2)
            if key.startswith("msgstr"):
                cur["strs"].append(m.group(3))
            else:
                cur[key] = cur.get(key, "") + m.group(3)
        elif line.startswith('"') and cur is not None:
            if key.startswith("msgstr"):
                cur["strs"][-1] += line[1:-1]
            else:
                cur[key] = cur.get(key, "") + line[1:-1]
    return out
pot = [e["msgid"] for e in entries(sys.argv[1]) if e["msgid"]]
po = {e["msgid"]: e for e in entries(sys.argv[2]) if e["msgid"]}
bad = 0
for m in pot:
    e = po.get(m)
    if e is None:
        print("missing: %r" % m[:100]); bad += 1
    elif not all(e["strs"]):
        print("untranslated: %r" % m[:100]); bad += 1
print("checked %d msgids, %d bad" % (len(pot), bad))
sys.exit(1 if bad or not pot else 0)
PY
rc=$?
sed 's/^/# /' "$TEST_TMP/cmp.out" | tail -15
check "every msgid of the regenerated template is translated in ru.po" [ $rc -eq 0 ]

# 3. Every source file with marked strings is in POTFILES.in.
unlisted=0
while IFS= read -r f; do
	rel=${f#"$SRC"/}
	if ! grep -qxF "$rel" <<<"$files"; then
		diag "marked strings but not in po/POTFILES.in: $rel"
		unlisted=1
	fi
done < <(find "$SRC/src" -name '*.c' -print0 | xargs -0 perl -0ne \
	'print "$ARGV\n" if /(?<![A-Za-z0-9_])(?:N_|P_|_|status_plural)\(\s*(?:[A-Za-z_>.-]+\s*,\s*)?"/; close ARGV' \
	2>/dev/null | sort -u)
check "every src/ file with _(\"...\"), N_(), P_() or status_plural() is in POTFILES.in" [ $unlisted -eq 0 ]
# The check itself must be able to fail: a scratch file with a marked string.
mkdir -p "$TEST_TMP/fake/src"
printf 'static const char *s = N_("x");\nint f(void) { return P_("a", "b", 2)[0]; }\n' > "$TEST_TMP/fake/src/x.c"
check "the POTFILES check finds marked strings" bash -c "perl -0ne 'print \"hit\" if /(?<![A-Za-z0-9_])(?:N_|P_|_|status_plural)\(\s*(?:[A-Za-z_>.-]+\s*,\s*)?\"/' '$TEST_TMP/fake/src/x.c' | grep -q hit"

# 4. Russian plurals: 1 источник, 2 источника, 5 источников (and 11, 21, 22).
plural() {
	python3 -c 'import gettext,sys; t=gettext.GNUTranslations(open(sys.argv[1],"rb")); print(t.ngettext(sys.argv[2], sys.argv[3], int(sys.argv[4])))' \
		"$TEST_TMP/ru.mo" "$1" "$2" "$3"
}
for pair in "1:источник" "2:источника" "4:источника" "5:источников" "11:источников" "12:источников" \
	"21:источник" "22:источника" "25:источников" "111:источников"; do
	n=${pair%%:*} want=${pair#*:}
	got=$(plural "site %s: %zu source" "site %s: %zu sources" "$n")
	check "plural for $n: $want" bash -c "grep -q ' $want\$' <<<\"\$1\"" _ "$got"
done
check "plural forms of '%zu down': недоступен / недоступны" \
	bash -c "[ \"\$(python3 -c 'import gettext,sys; t=gettext.GNUTranslations(open(sys.argv[1],\"rb\")); print(t.ngettext(\"%zu down\",\"%zu down\",1), t.ngettext(\"%zu down\",\"%zu down\",3))' '$TEST_TMP/ru.mo')\" = '%zu недоступен %zu недоступны' ]"

# 5. make update-po works, on a copy of the tree (it rewrites po/*.po).
COPY=$TEST_TMP/tree
mkdir -p "$COPY/b/po"
( cd "$SRC" && tar cf - po src include ) | ( cd "$COPY" && tar xf - )
sed -e "s|^srcdir = .*|srcdir = $COPY/po|" -e "s|^top_srcdir = .*|top_srcdir = $COPY|" \
	-e "s|^VPATH = .*|VPATH = $COPY/po|" "$BUILD/po/Makefile" > "$COPY/b/po/Makefile"
cp "$BUILD/po/POTFILES" "$COPY/b/po/POTFILES" 2>/dev/null
sed -i "s|[^ ]*/src/|$COPY/src/|" "$COPY/b/po/POTFILES"
# The copied Makefile is current: nothing may send it back to configure.
: > "$COPY/b/config.status"
touch -d '2000-01-01' "$COPY/b/config.status" "$COPY"/po/Makefile.in.in "$COPY"/po/Makevars \
	"$COPY"/po/POTFILES.in "$COPY"/po/LINGUAS
# A new marked string in a source file must show up in the catalogue.
printf '\nstatic const char *const i18n_test_probe = N_("i18n test probe string");\n' >> "$COPY/src/ui/command.c"
( cd "$COPY/b/po" && make update-po ) > "$TEST_TMP/update-po.log" 2>&1
rc=$?
check "make update-po runs (exit $rc)" [ $rc -eq 0 ]
check "update-po put the new string into the template" grep -q 'i18n test probe string' "$COPY/po/ceres-top.pot"
check "update-po merged it into ru.po as untranslated" grep -q 'msgid "i18n test probe string"' "$COPY/po/ru.po"
check "update-po kept the translations" grep -q 'msgstr "Справка"' "$COPY/po/ru.po"
check "so msgfmt would now report it untranslated" bash -c "msgfmt --statistics -o /dev/null '$COPY/po/ru.po' 2>&1 | grep -q '1 untranslated'"

# 6. --once output stays English and stable under a Russian locale.
if [ -n "${SANDBOX_DIR:-}" ] && [ -f "$SANDBOX_DIR/ports.env" ]; then
	CFG=$SANDBOX_DIR/config
	LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 "$CERES_TOP" --once --format json -c "$CFG" > "$TEST_TMP/ru.json"
	LANG=C.UTF-8 LC_ALL=C.UTF-8 "$CERES_TOP" --once --format json -c "$CFG" > "$TEST_TMP/c.json"
	check "JSON under LANG=ru parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TEST_TMP/ru.json"
	check "JSON under LANG=ru has no Cyrillic at all" bash -c "! grep -qP '[\x{0400}-\x{04FF}]' '$TEST_TMP/ru.json'"
	check "JSON status word is English" bash -c "json_get() { python3 -c \"import json,sys; print(json.load(open(sys.argv[1]))['status'])\" \"\$1\"; }; json_get '$TEST_TMP/ru.json' | grep -qxE 'ok|warning|critical|unknown'"
	check "JSON keys are the same in both locales" bash -c "[ \"\$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sorted(j), sorted(j[\"services\"][0]))' '$TEST_TMP/ru.json')\" = \"\$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sorted(j), sorted(j[\"services\"][0]))' '$TEST_TMP/c.json')\" ]"
	check "service states in JSON are English words" python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['services'] and all(s['status'] in ('up','degraded','down','unknown') for s in j['services']) else 1)" "$TEST_TMP/ru.json"
	LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 "$CERES_TOP" --once --format nagios -c "$CFG" > "$TEST_TMP/ru.nagios"
	check "nagios line under LANG=ru is English (CERES OK|WARNING|CRITICAL|UNKNOWN)" grep -qE '^CERES (OK|WARNING|CRITICAL|UNKNOWN) - ' "$TEST_TMP/ru.nagios"
	check "nagios line has no Cyrillic" bash -c "! grep -qP '[\x{0400}-\x{04FF}]' '$TEST_TMP/ru.nagios'"
	LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 "$CERES_TOP" --once --format text -c "$CFG" > "$TEST_TMP/ru.txt"
	check "text: the heading is translated but the status word is not" grep -qE '^ceres-top .* статус: (ok|warning|critical|unknown)' "$TEST_TMP/ru.txt"
	check "text: service states stay English" grep -qE '^  up +' "$TEST_TMP/ru.txt"
else
	diag "SANDBOX_DIR not set: --once checks need the sandbox"
	not_ok "--once under LANG=ru (no sandbox)"
fi

# 7. --help and errors are translated; the console strings are in the .mo.
check "--help in Russian" bash -c "LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 '$CERES_TOP' --help | grep -q 'Использование: ceres-top'"
check "a usage error in Russian" bash -c "LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 '$CERES_TOP' --format xml 2>&1 | grep -q 'может быть text, json, nagios или openmetrics'"
check "a config error in Russian, with file:line" bash -c "printf '[ceres]\nbogus = 1\n' > '$TEST_TMP/bad.conf'; LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 '$CERES_TOP' --check-config -c '$TEST_TMP/bad.conf' 2>&1 | grep -q 'bad.conf:2: неизвестный ключ'"
finish
