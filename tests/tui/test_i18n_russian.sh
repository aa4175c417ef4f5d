#!/bin/bash
# The console in Russian (LANG=ru_RU.UTF-8), as a Russian-speaking operator
# sees it: translated header, pane titles, key line, state words and help;
# columns that stay aligned with Cyrillic text; the ':' command line with
# Tab completion and translated messages; :site switching at run time.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
SRC=$(cd "$TESTS_DIR/.." && pwd)
CFG=$TEST_TMP/config
# The sandbox config plus a site whose Grafana points nowhere.
cp "$SANDBOX_DIR/config" "$CFG"
cat >> "$CFG" <<EOF

[site "broken"]
service.grafana.url = http://127.0.0.1:$((SANDBOX_PORT_BASE + 999))/
EOF
chmod 600 "$CFG"
mkdir -p "$TEST_TMP/locale/ru/LC_MESSAGES"
msgfmt -o "$TEST_TMP/locale/ru/LC_MESSAGES/ceres-top.mo" "$SRC/po/ru.po"
export CERES_TOP_LOCALEDIR=$TEST_TMP/locale CERES_TOP_THEME_PATH=$SRC/themes
export LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8

check "the ru_RU.UTF-8 locale exists" bash -c "locale -a | grep -qi '^ru_RU.utf8$'"

tui_start 120 40 -c "$CFG"
check "header: site and a Russian verdict" wait_for 15 tui_has_re "ceres-top │ sandbox │ (НОРМА|ВНИМАНИЕ|КРИТИЧНО|НЕИЗВЕСТНО)"
check "header: data age in Russian" tui_has "возраст данных"
check "pane titles in Russian" bash -c "s=\$(tmux -L $TUI_SOCK capture-pane -t t -p); grep -q '1 Состояние' <<<\"\$s\" && grep -q '2 Алерты' <<<\"\$s\" && grep -q '3 Логи' <<<\"\$s\" && grep -q '4 Активность' <<<\"\$s\" && grep -q '5 Готовность' <<<\"\$s\""
# The key line: the focused pane's keys, then "? help", then the global keys.
check "key line in Russian" bash -c "s=\$(tmux -L $TUI_SOCK capture-pane -t t -p | tail -1); grep -q '? справка' <<<\"\$s\" && grep -q 'q выход' <<<\"\$s\""
check "state words in Russian" tui_wait "работает" 10
check "no English state word left in the health pane" bash -c "! tmux -L $TUI_SOCK capture-pane -t t -p | grep -qE '^│(up|down|degraded|unknown) '"

# Every health row has its latency at the same screen column, although
# "работает" is wider than "up" and names differ in length.
tui_keys z
tui_wait "postgres" 10
wait_for 10 bash -c "[ \$(tmux -L $TUI_SOCK capture-pane -t t -p | grep -cE '[0-9]+ms') -ge 8 ]"
tui_screen > "$TEST_TMP/health.txt"
cols=$(python3 - "$TEST_TMP/health.txt" <<'PY'
import re, sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"\d+ms", line)
    if m and line.startswith("│"):
        cols.add(width(line[:m.end()]))
print(" ".join(map(str, sorted(cols))))
PY
)
diag "latency columns: $cols"
check "latency column identical on every row (${cols})" bash -c "[ -n '$cols' ] && [ \$(wc -w <<<'$cols') -eq 1 ]"
# Names start at one column (child rows, such as Prometheus targets, two
# further in), whatever the width of the Russian state word.
state_cols=$(grep -E '^│(работает|ухудшен|недоступен|неизвестно)' "$TEST_TMP/health.txt" | python3 -c '
import sys, re
cols = set()
for l in sys.stdin:
    m = re.match(r"│(\S+)( +)(\S)", l)
    cols.add(len(m.group(1)) + len(m.group(2)))
c = min(cols)
print("ok" if cols <= {c, c + 2} and c >= len("недоступен") + 1 else sorted(cols))')
check "service names start at one column after the Russian state words ($state_cols)" [ "$state_cols" = ok ]
tui_keys z

# Help: Russian text, and the description column lines up after keys of
# different widths (arrows and all).
tui_keys '?'
check "help overlay in Russian" tui_wait "Клавиши везде" 5
check "help: translated descriptions" tui_has "переход между панелями"
check "help: the commands are listed" tui_has ":theme [ИМЯ]"
tui_screen > "$TEST_TMP/help.txt"
check "help: one description column for pane, global and action keys" python3 - "$TEST_TMP/help.txt" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    for key, desc in (("q", "выход"), ("j k ↑ ↓", "перемещение по строкам"),
                      ("Tab / 1-5", "переход между панелями"), ("j k ↑ ↓", "выбрать сервис"),
                      ("w", "меню проверки вебхуков")):
        m = re.search(r"\s\s" + re.escape(key) + r"\s{3,}(" + desc + ")", line)
        if m:
            rows[desc] = m.start(1)
print(rows)
sys.exit(0 if len(rows) == 5 and len(set(rows.values())) == 1 else 1)
PY
tui_keys Escape
tui_wait_gone "Клавиши везде" 3

# The command line: Tab completes verbs and theme names, messages are Russian.
tui_keys :
tui_type "th"
tui_keys Tab
check "Tab completes :th to :theme" bash -c "for i in \$(seq 30); do tmux -L $TUI_SOCK capture-pane -t t -p | tail -1 | grep -qx ':theme' && exit 0; sleep 0.1; done; exit 1"
tui_type "hi"
tui_keys Tab
check "Tab completes a theme name" tui_wait ":theme high-contrast" 3
tui_keys Enter
check ":theme reports in Russian" tui_wait "тема high-contrast" 3
tui_keys :
tui_type "theme "
tui_keys Tab
check "Tab with several candidates lists them" tui_wait "default, high-contrast, light, monochrome, noc" 3
tui_keys Escape
tui_keys :
tui_type "nosuchverb"
tui_keys Enter
check "unknown command in Russian" tui_wait "неизвестная команда: nosuchverb" 3

# :site re-creates every source from the other site's overrides.
tui_keys :
tui_type "site"
tui_keys Enter
check ":site lists the known sites" tui_wait "известные площадки: broken" 3
tui_keys :
tui_type "site br"
tui_keys Tab
check "Tab completes a site name" tui_wait ":site broken" 3
tui_keys Enter
check ":site broken switches (header)" tui_wait "ceres-top │ broken │" 10
check "the message counts sources with Russian plurals" tui_has_re "площадка broken: [0-9]+ источник(а|ов)?"
check "the other site's Grafana is down" tui_wait "КРИТИЧНО" 15
check "grafana row shows недоступен" bash -c "for i in \$(seq 50); do tmux -L $TUI_SOCK capture-pane -t t -p | grep -qE 'недоступен +grafana' && exit 0; sleep 0.2; done; exit 1"
check "summary in the header is Russian with plural: 1 недоступен" tui_has "1 недоступен"
tui_keys :
tui_type "site sandbox-nope"
tui_keys Enter
check "an unknown site is refused, the current one stays" tui_wait "не удалось перейти на площадку sandbox-nope" 5
check "still on site broken" tui_has "ceres-top │ broken │"
tui_keys q
check "q quits" wait_for 5 tui_dead
check "no error output" bash -c "[ ! -s '$TEST_TMP/tui-stderr.txt' ]"
tui_stop
finish
