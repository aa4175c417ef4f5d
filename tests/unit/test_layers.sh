#!/bin/sh
# The layering rule of doc/ARCHITECTURE.md, checked on the #include lines
# of src/ and include/ceres/: a file may include headers of its own layer
# and of the layers below it, never of a layer above; the console (ui/)
# reads the model and the features and never includes a sources/ or net/
# header.  Prints each offending file:line and fails.
#   util < model < core < net < sources < features < render < ui < actions < app
top=${srcdir:-.}
[ -d "$top/src" ] || top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 99
find src include/ceres -name '*.[ch]' | sort | xargs awk '
function layer(p,   a) {
	if (p ~ /^include\/ceres\//) { split(p, a, "/"); return a[3] }
	if (p ~ /^src\/[^\/]+\//) { split(p, a, "/"); return a[2] }
	if (p ~ /^src\/[^\/]+\.[ch]$/) return "app"
	return "?"
}
function dirname(p,   i) { i = match(p, /\/[^\/]*$/); return i ? substr(p, 1, i - 1) : "." }
function norm(p,   n, a, out, i, k) {
	n = split(p, a, "/"); k = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == "." || a[i] == "") continue
		if (a[i] == ".." && k > 0) { k--; continue }
		out[++k] = a[i]
	}
	p = out[1]; for (i = 2; i <= k; i++) p = p "/" out[i]
	return p
}
BEGIN {
	split("util model core net sources features render ui actions app", names, " ")
	for (i in names) rank[names[i]] = i + 0
	bad = 0
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
	if (inc ~ /^ceres\//) target = "include/" inc
	else target = norm(dirname(FILENAME) "/" inc)
	from = layer(FILENAME); to = layer(target)
	if (!(from in rank)) { printf "%s:%d: not in a layer directory\n", FILENAME, FNR; bad++; next }
	if (!(to in rank)) { printf "%s:%d: includes %s, which is not in a layer\n", FILENAME, FNR, inc; bad++; next }
	if (rank[to] > rank[from]) {
		printf "%s:%d: %s (%s) includes %s (%s), a higher layer\n", FILENAME, FNR, from, FILENAME, inc, to
		bad++
	} else if (from == "ui" && (to == "sources" || to == "net")) {
		printf "%s:%d: the console includes %s: ui/ reads model/ and features/ only\n", FILENAME, FNR, inc
		bad++
	}
	n++
}
END {
	if (bad > 0) { printf "layers: %d include(s) break the layering\n", bad; exit 1 }
	printf "layers: %d includes checked, none goes up a layer\n", n
}'
