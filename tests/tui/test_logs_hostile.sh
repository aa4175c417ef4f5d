#!/usr/bin/env bash
# Terminal safety: log lines (and labels) carrying OSC 52 clipboard writes,
# OSC 0/2 window titles, CSI clears and cursor moves, DCS, 8-bit C1 and
# bidi overrides reach the logs pane.  The raw pane contents
# (capture-pane -e) may hold no escape sequence but tmux's own SGR, the
# pane title and tmux's paste buffers (set-clipboard on) stay untouched,
# the layout stays intact, and wide and combining characters keep every
# row exactly as wide as the window.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env

TAG="tui-hostile-$$"
P=$LOKI_PORT
COLS=120 ROWS=40

push() {
	local labels=$1; shift
	python3 - "$P" "$labels" "$@" <<'EOF'
import json, sys, urllib.request
port, labels, lines = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
body = json.dumps({"stream": labels, "values": [["", l] for l in lines]}).encode()
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/__loki/push" % port, data=body,
                       headers={"Content-Type": "application/json"}), timeout=5).read()
EOF
}

cat > "$TEST_TMP/config" <<EOF
[ceres]
interval = 0.5

[loki]
url = http://127.0.0.1:$P
query = {test="$TAG"}
EOF

tui_start $COLS $ROWS -c "$TEST_TMP/config"
tmux -L "$TUI_SOCK" set -g set-clipboard on >/dev/null
tmux -L "$TUI_SOCK" set -g allow-rename on >/dev/null
check "console starts" tui_wait "Health" 10
tui_keys 3 z
check "logs pane zoomed" tui_wait "no lines yet" 10
title_before=$(tmux -L "$TUI_SOCK" display -p -t t '#{pane_title}')
# A fixed window name (no automatic-rename): ESC k would change it.
tmux -L "$TUI_SOCK" rename-window -t t logs-under-test
wname_before=$(tmux -L "$TUI_SOCK" display -p -t t '#{window_name}')
buffers_before=$(tmux -L "$TUI_SOCK" list-buffers | wc -l)

push "{\"test\":\"$TAG\",\"app\":\"evil\"}" \
	$'osc52 \e]52;c;cm0gLXJmIH4K\a end' \
	$'osc52st \e]52;p;aGVsbG8=\e\\ end' \
	$'title0 \e]0;PWNED-TITLE\a end' \
	$'title2 \e]2;PWNED-TWO\e\\ end' \
	$'clear \e[2J\e[H\e[3J end' \
	$'moves \e[10;10H\e[5A\e[20C\e7\e8\eM\eD end' \
	$'cursor \e[?25h\e[?1049l\e[?1000h\e[?1003h end' \
	$'dcs \eP1$r0m\e\\ \e_apc\e\\ \e^pm\e\\ end' \
	$'rename \ekPWNED-NAME\e\\ end' \
	$'c1 \u009b2J \u009d0;x\u009c end' \
	$'bidi user\u202efdp.exe end' \
	$'bell \a\a backspace \b\b\b cr \r end' \
	$'sgr \e[31mred\e[0m \e[1;4;38;5;208mfancy\e[m \e[8mconcealed\e[0m end'
push "{\"test\":\"$TAG\",\"app\":\"ev\u001b[31mil\u001b]0;LABEL-TITLE\u0007\"}" "label attack"
push "{\"test\":\"$TAG\",\"app\":\"wide\"}" \
	'wide 日本語のログ行 ｆｕｌｌ width end' \
	$'combining e\u0301e\u0301e\u0301 a\u0308 n\u0303 zw\u200bsp end' \
	'emoji 🦊🚨✅ end'

check "hostile lines arrive, shown visibly" tui_wait "osc52 ␛]52;c;cm0gLXJmIH4K␇ end" 10
check "OSC 0 shown as text" tui_wait "title0 ␛]0;PWNED-TITLE␇ end" 5
check "CSI clear shown as text" tui_has "clear ␛[2J␛[H␛[3J end"
check "cursor moves shown as text" tui_has "moves ␛[10;10H␛[5A␛[20C␛7␛8␛M␛D end"
check "8-bit C1 shown as code points" tui_has "c1 <U+009B>2J <U+009D>0;x<U+009C> end"
check "bidi override shown as a code point" tui_has "bidi user<U+202E>fdp.exe end"
check "C0 controls shown as pictures" tui_has "bell ␇␇ backspace ␈␈␈ cr ␍ end"
check "SGR colours become text without escapes" tui_has "sgr red fancy concealed end"
check "a hostile label value is shown visibly" tui_wait "{app=ev␛[31mil␛]0;LABEL" 5
check "a label column too narrow for it ends in …" tui_has_re "LABEL-T[A-Z]*… label attack"
check "wide characters arrive" tui_wait "日本語のログ行" 5
check "combining characters arrive" tui_has "combining"

tui_screen -e > "$TEST_TMP/raw.txt"
# Only tmux's own SGR may remain in the raw pane contents.
check "raw pane: every escape sequence is SGR" python3 - "$TEST_TMP/raw.txt" <<'EOF'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "strict")
bad = [m.group(0) for m in re.finditer(r"\x1b(\[[0-9;:]*m)?", raw) if not m.group(1)]
assert not bad, "non-SGR escapes: %r" % bad[:5]
for c in raw:
    o = ord(c)
    assert not (o < 0x20 and c not in "\n\x1b") and o != 0x7f, "control U+%04X" % o
    assert not 0x80 <= o <= 0x9f, "C1 control U+%04X" % o
    assert o not in (0x202e, 0x2066, 0x2067, 0x2068, 0x2069), "bidi U+%04X" % o
EOF
check "SGR red of the log line is a curses colour" grep -qP $'\e\\[31mred' "$TEST_TMP/raw.txt"
check "pane title unchanged (OSC 0/2)" test "$(tmux -L "$TUI_SOCK" display -p -t t '#{pane_title}')" = "$title_before"
check "window name unchanged (ESC k)" test "$(tmux -L "$TUI_SOCK" display -p -t t '#{window_name}')" = "$wname_before"
check "no paste buffer created (OSC 52)" test "$(tmux -L "$TUI_SOCK" list-buffers | wc -l)" = "$buffers_before"
check "no title text leaked into tmux" bash -c "! tmux -L '$TUI_SOCK' display -p -t t '#{pane_title} #{window_name}' | grep -q PWNED"
check "alternate screen not toggled by the line" test "$(tmux -L "$TUI_SOCK" display -p -t t '#{alternate_on}')" = 1
check "mouse reporting not switched on by the line" test "$(tmux -L "$TUI_SOCK" display -p -t t '#{mouse_any_flag}')" = 0
check "cursor still hidden by ceres-top, not re-shown" test "$(tmux -L "$TUI_SOCK" display -p -t t '#{cursor_flag}')" = 0

# The layout survived: header on the first row, every row exactly COLS
# columns wide with the border in the last column.
tui_screen > "$TEST_TMP/screen.txt"
check "header still on the first row" grep -q '^ ceres-top' "$TEST_TMP/screen.txt"
check "every row is $COLS columns wide, border last" python3 - "$TEST_TMP/screen.txt" $COLS <<'EOF'
import sys, unicodedata
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
cols = int(sys.argv[2])
def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or c in "\u200b\u200d":
            continue
        w += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return w
body = [r for r in rows[1:-2] if r]
assert len(body) > 10, "screen too short"
for r in body:
    assert r[-1] in "│┐┘", "row does not end with the border: %r" % r
    assert width(r) == cols, "row is %d columns: %r" % (width(r), r)
EOF
check "console still alive" bash -c "! tmux -L '$TUI_SOCK' display -p -t t '#{pane_dead}' | grep -q 1"
finish
