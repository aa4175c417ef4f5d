#!/bin/bash
# Themes in a real terminal: every shipped theme loads; a broken theme
# stops ceres-top with file:line before curses starts; NO_COLOR and
# --no-color send no colour at all (reverse video only); 256-colour themes
# fall back to 8 colours on an 8-colour terminal; :theme switches live;
# the NOC wall-screen mode (--read-only --rotate) cycles the focus.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
SRC=$(cd "$TESTS_DIR/.." && pwd)
CFG=$SANDBOX_DIR/config
export CERES_TOP_THEME_PATH=$SRC/themes XDG_CONFIG_HOME=$TEST_TMP/xdg
REAL=$CERES_TOP

# Escape sequences that set a colour (tmux capture-pane -e output): 30-37,
# 38;5;N, 38;2;R;G;B, 40-47, 48;5;N, 48;2, 90-97, 100-107.  39 and 49 (the
# default colours) are what tmux writes to reset, not colour.
has_colour_sgr() {
	grep -qP '\e\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;[25]|48;[25])(?:;[0-9;]*)?m' "$1"
}

# 1. Every shipped theme loads (--check-theme prints all 16 roles).
for t in default light high-contrast monochrome noc; do
	out=$("$REAL" --check-theme "$t" 2>&1)
	check "theme $t loads" bash -c "[ \$(grep -cvE '^#' <<<\"\$1\") -eq 16 ]" _ "$out"
done
check "--list-themes lists the five" bash -c "[ \"\$('$REAL' --list-themes | tr '\n' ' ')\" = 'default high-contrast light monochrome noc ' ]"
printf 'a\e[0;1m\e[39m\e[49m\e[7mb\e[0m' > "$TEST_TMP/probe-plain"
printf 'a\e[1;31mb\e[0m' > "$TEST_TMP/probe-8"
printf 'a\e[48;5;19mb\e[0m' > "$TEST_TMP/probe-256"
check "the colour check: resets and reverse are not colour" bash -c "$(declare -f has_colour_sgr); ! has_colour_sgr '$TEST_TMP/probe-plain'"
check "the colour check: sees 1;31 and 48;5;19" bash -c "$(declare -f has_colour_sgr); has_colour_sgr '$TEST_TMP/probe-8' && has_colour_sgr '$TEST_TMP/probe-256'"

# 2. A broken theme: file:line: message, exit 1, and curses never started
# (script(1) records every byte ceres-top wrote to the terminal).
mkdir -p "$XDG_CONFIG_HOME/ceres-top/themes"
printf '# mine\nok green\nwarn purpel bold\n' > "$XDG_CONFIG_HOME/ceres-top/themes/mine.theme"
out=$("$REAL" --check-theme mine 2>&1); rc=$?
check "--check-theme: exit 1 on an error" [ $rc -eq 1 ]
check "--check-theme: file:line: message" bash -c "grep -q 'themes/mine.theme:3: unknown colour .purpel.' <<<\"\$1\"" _ "$out"
printf '[ceres]\ntheme = mine\n' > "$TEST_TMP/theme.conf"
out=$("$REAL" --check-config -c "$TEST_TMP/theme.conf" 2>&1); rc=$?
check "--check-config checks the theme of the config (exit $rc)" bash -c "[ $rc -eq 1 ] && grep -q 'mine.theme:3:' <<<\"\$1\"" _ "$out"
WRAP=$TEST_TMP/wrap.sh
cat > "$WRAP" <<W
#!/bin/sh
script -qfec "$REAL --theme mine -c $CFG" "$TEST_TMP/typescript" >/dev/null 2>&1
echo "exit=\$?" > "$TEST_TMP/exit"
W
chmod +x "$WRAP"
CERES_TOP=$WRAP
tui_start 100 30
check "a broken theme ends the run" wait_for 10 tui_dead
check "exit status 1" grep -q "exit=1" "$TEST_TMP/exit"
check "the message names file and line" grep -q "mine.theme:3: unknown colour 'purpel'" "$TEST_TMP/typescript"
check "curses never started (no alternate screen, no clear)" bash -c "! grep -qP '\e\[\?1049h|\e\[H\e\[2J|\e\[\?1h' '$TEST_TMP/typescript'"
tui_stop
CERES_TOP=$REAL

# 3. NO_COLOR: no colour escape at all; reverse video for bars stays.
TUI_SOCK="ceres-test-$$-nc"
NO_COLOR=1 tui_start 120 40 -c "$CFG" --theme noc
tui_wait "postgres" 15
tui_wait "1 Health" 5
tui_screen -e > "$TEST_TMP/nocolor.txt"
check "NO_COLOR: no colour SGR in the capture" bash -c "$(declare -f has_colour_sgr); ! has_colour_sgr '$TEST_TMP/nocolor.txt'"
check "NO_COLOR: still reverse video (header, title)" grep -qP '\e\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m' "$TEST_TMP/nocolor.txt"
tui_keys :
tui_type "theme light"
tui_keys Enter
tui_wait "theme light" 5
tui_screen -e > "$TEST_TMP/nocolor2.txt"
check "NO_COLOR: still no colour after :theme light" bash -c "$(declare -f has_colour_sgr); ! has_colour_sgr '$TEST_TMP/nocolor2.txt'"
tui_keys q
wait_for 5 tui_dead
tui_stop

TUI_SOCK="ceres-test-$$-nc2"
tui_start 120 40 -c "$CFG" --no-color
tui_wait "postgres" 15
tui_screen -e > "$TEST_TMP/nocolor3.txt"
check "--no-color: no colour SGR either" bash -c "$(declare -f has_colour_sgr); ! has_colour_sgr '$TEST_TMP/nocolor3.txt'"
tui_stop

# 4. 256 colours as written; on an 8-colour terminal the nearest of 8.
TUI_SOCK="ceres-test-$$-256"
tui_start 120 40 -c "$CFG" --theme noc
tui_wait "postgres" 15
tui_screen -e > "$TEST_TMP/c256.txt"
check "noc on a 256-colour terminal: header white on navy (38;5;231, 48;5;19)" \
	bash -c "grep -qP '\e\[[0-9;]*38;5;231[0-9;]*m' '$TEST_TMP/c256.txt' && grep -qP '\e\[[0-9;]*48;5;19[0-9;]*m' '$TEST_TMP/c256.txt'"
tui_keys :
tui_type "theme default"
tui_keys Enter
check ":theme default switches live (header black on cyan)" bash -c "for i in \$(seq 50); do tmux -L $TUI_SOCK capture-pane -t t -p -e | head -1 | grep -qP '\e\[[0-9;]*46[;m]' && exit 0; sleep 0.1; done; exit 1"
check ":theme default: the navy of noc is gone" bash -c "! tmux -L $TUI_SOCK capture-pane -t t -p -e | grep -qP '48;5;19[;m]'"
tui_keys :
tui_type "theme nope"
tui_keys Enter
check ":theme with an unknown name is refused with a message" tui_wait "theme nope not found" 3
tui_stop

TUI_SOCK="ceres-test-$$-8"
W8=$TEST_TMP/term8.sh
printf '#!/bin/sh\nexec env TERM=xterm "%s" "$@"\n' "$REAL" > "$W8"
chmod +x "$W8"
CERES_TOP=$W8
tui_start 120 40 -c "$CFG" --theme noc
tui_wait "postgres" 15
tui_screen -e > "$TEST_TMP/c8.txt"
CERES_TOP=$REAL
check "noc on an 8-colour terminal: no 256-colour escapes" bash -c "! grep -qP '\e\[[0-9;]*(38|48);5;' '$TEST_TMP/c8.txt'"
check "noc on an 8-colour terminal: header on blue (44)" bash -c "head -1 '$TEST_TMP/c8.txt' | grep -qP '\e\[[0-9;]*44[;m]'"
check "noc on an 8-colour terminal: colour46 (ok) becomes green (32)" grep -qP '\e\[(?:[0-9;]*;)?32m\x0f?up\b' "$TEST_TMP/c8.txt"
tui_stop

# 5. NOC wall screen: read-only, focus rotates by itself (one pane at a
# time below 24 lines, so the visible pane changes).
TUI_SOCK="ceres-test-$$-noc"
tui_start 140 20 -c "$CFG" --read-only --rotate 1 --theme noc
check "read-only shown in the header" tui_wait "READ-ONLY" 10
check "rotation shows pane 2" tui_wait "2 Alerts" 5
check "then pane 3" tui_wait "3 Logs" 5
check "then pane 5" tui_wait "5 Readiness" 8
check "and back to pane 1" tui_wait "1 Health" 8
tui_keys '?'
tui_wait "Keys everywhere" 3
pane=$(tui_screen | grep -oE '[1-5] (Health|Alerts|Logs|Activity|Readiness)' | head -1)
# Three rotation periods with the help open: it must not move.
wait_for 3 false
check "no rotation while an overlay is open (still $pane)" bash -c "tmux -L $TUI_SOCK capture-pane -t t -p | grep -q 'Keys everywhere' && tmux -L $TUI_SOCK capture-pane -t t -p | grep -q '$pane'"
tui_keys Escape
check "rotation resumes after Esc" bash -c "for i in \$(seq 60); do s=\$(tmux -L $TUI_SOCK capture-pane -t t -p); grep -q '$pane' <<<\"\$s\" || exit 0; sleep 0.1; done; exit 1"
tui_keys q
check "q quits the wall screen" wait_for 5 tui_dead
tui_stop
finish
