"""Fake Loki: /ready, /loki/api/v1/labels, /loki/api/v1/label/<name>/values,
/loki/api/v1/query_range (and /query for log queries).

Log lines are generated deterministically: one entry per whole second from a
few streams (see STREAMS), so successive polls see new lines.  Every 60 s
there is one line carrying unicode and an SGR colour sequence, and one with a
non-SGR control sequence, to exercise the terminal sanitiser.

Supported LogQL subset: a stream selector {l="v", l!="v", l=~"re", l!~"re"}
followed by any number of line filters |= "s", != "s", |~ "re", !~ "re".
Anything else is a 400 text/plain parse error, as Loki answers.

State (POST /__fake/state):
  "ready": false          -> /ready answers 503 "Ingester not ready: ..."
  "generate": false       -> no generated lines
  "entries": [{"labels": {...}, "line": "...", "ts": "<ns>"}]  extra entries
                             (ts optional: defaults to now)
"""

import re
import time
from datetime import datetime

STREAMS = [
    {"job": "ceres/caddy", "app": "caddy", "level": "info", "host": "ceres-sandbox"},
    {"job": "ceres/gitea", "app": "gitea", "level": "info", "host": "ceres-sandbox"},
    {"job": "ceres/gitea", "app": "gitea", "level": "warn", "host": "ceres-sandbox"},
    {"job": "ceres/keycloak", "app": "keycloak", "level": "error", "host": "ceres-sandbox"},
]

PATHS = ["/", "/api/health", "/user/login", "/ceres/infra", "/metrics"]


def init(state, ctx):
    state["ready"] = True
    state["generate"] = True
    state["entries"] = []


def _line_for(t):
    """(stream index, line) for whole second t, or None for no line."""
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    k = t % 60
    if k == 7:
        return 3, '%s ERROR \x1b[31mlogin failed\x1b[0m for user "jürgen" – Zürich 🦊 (realm=ceres)' % iso
    if k == 37:
        return 2, "%s WARN odd bytes in header: \x1b]0;pwned\x07 \x1b[2J tab\there" % iso
    if t % 10 == 3:
        return 2, "%s WARN [queue] slow push to ceres/infra took %dms" % (iso, 900 + (t % 7) * 100)
    if t % 4 == 1:
        return 1, "%s INFO [router] GET /ceres/app/commits 200 %dms" % (iso, 3 + t % 40)
    path = PATHS[t % len(PATHS)]
    return 0, ('{"level":"info","ts":%d.%03d,"logger":"http.log.access","msg":"handled request",'
               '"request":{"method":"GET","uri":"%s"},"status":200,"duration":0.00%d}'
               % (t, t % 1000, path, t % 9))


def _parse_time(s, default_ns):
    if s is None or s == "":
        return default_ns
    try:
        if re.fullmatch(r"\d{19}", s):
            return int(s)
        if re.fullmatch(r"\d+(\.\d+)?", s):
            return int(float(s) * 1e9)
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return int(dt.timestamp() * 1e9)
    except ValueError:
        raise ValueError('cannot parse "%s" to a valid timestamp' % s)


_SEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
_FILT = re.compile(r'\s*(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"\s*')


def _unescape(s):
    """Go double-quoted string literal body -> str (common escapes only)."""
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), s)


def parse_query(q):
    """-> (matchers, filters) or raises ValueError(message)."""
    q = q.strip()
    if not q.startswith("{"):
        raise ValueError("parse error at line 1, col 1: syntax error: unexpected IDENTIFIER")
    # find the closing brace outside quotes
    i, inq = 1, False
    while i < len(q):
        c = q[i]
        if inq and c == "\\":
            i += 2
            continue
        if c == '"':
            inq = not inq
        elif c == "}" and not inq:
            break
        i += 1
    else:
        raise ValueError("parse error at line 1, col %d: syntax error: unexpected $end" % (len(q) + 1))
    end = i
    inner, rest = q[1:end], q[end + 1:]
    matchers = []
    pos = 0
    while inner[pos:].strip():
        m = _SEL.match(inner, pos)
        if not m:
            raise ValueError("parse error at line 1, col %d: syntax error: unexpected IDENTIFIER" % (pos + 2))
        name, op, val = m.group(1), m.group(2), _unescape(m.group(3))
        if op in ("=~", "!~"):
            try:
                val = re.compile(val)
            except re.error as e:
                raise ValueError("parse error : error parsing regexp: %s" % e)
        matchers.append((name, op, val))
        pos = m.end()
        if pos < len(inner):
            if inner[pos] != ",":
                raise ValueError("parse error at line 1, col %d: syntax error: unexpected IDENTIFIER" % (pos + 2))
            pos += 1
    if not matchers:
        raise ValueError("parse error : queries require at least one regexp or equality matcher "
                         "that does not have an empty-compatible value. For instance, app=~\".*\" "
                         "does not meet this requirement, but app=~\".+\" will")
    filters = []
    pos = 0
    while pos < len(rest):
        if not rest[pos:].strip():
            break
        m = _FILT.match(rest, pos)
        if not m:
            raise ValueError("parse error at line 1, col %d: syntax error: unexpected IDENTIFIER"
                             % (end + 2 + pos))
        op, val = m.group(1), _unescape(m.group(2))
        if op in ("|~", "!~"):
            try:
                val = re.compile(val)
            except re.error as e:
                raise ValueError("parse error : error parsing regexp: %s" % e)
        filters.append((op, val))
        pos = m.end()
    return matchers, filters


def _stream_ok(labels, matchers):
    for name, op, val in matchers:
        v = labels.get(name, "")
        if op == "=" and v != val:
            return False
        if op == "!=" and v == val:
            return False
        if op == "=~" and not val.fullmatch(v):
            return False
        if op == "!~" and val.fullmatch(v):
            return False
    return True


def _line_ok(line, filters):
    for op, val in filters:
        if op == "|=" and val not in line:
            return False
        if op == "!=" and val in line:
            return False
        if op == "|~" and not val.search(line):
            return False
        if op == "!~" and val.search(line):
            return False
    return True


def _entries(state, start_ns, end_ns):
    """All entries with start_ns <= ts < end_ns: (ts_ns, labels_dict, line)."""
    out = []
    if state.get("generate", True):
        first = max(start_ns // 1_000_000_000, end_ns // 1_000_000_000 - 6 * 3600)
        for t in range(first, end_ns // 1_000_000_000 + 1):
            ts = t * 1_000_000_000 + (t % 1000) * 1000
            if start_ns <= ts < end_ns:
                r = _line_for(t)
                if r:
                    out.append((ts, STREAMS[r[0]], r[1]))
    for e in state.get("entries") or []:
        ts = int(e.get("ts") or 0)
        if start_ns <= ts < end_ns:
            out.append((ts, e.get("labels") or {"job": "injected"}, e.get("line", "")))
    return out


def _all_labels(state):
    ls = list(STREAMS) if state.get("generate", True) else []
    ls += [e.get("labels") or {"job": "injected"} for e in state.get("entries") or []]
    return ls


def _err(req, msg, status=400):
    return req.reply_text(msg + "\n", status=status)


def _query(req, instant):
    q = req.query.get("query")
    if not q:
        return _err(req, "parse error : syntax error: unexpected $end")
    try:
        matchers, filters = parse_query(q)
    except ValueError as e:
        return _err(req, str(e))
    now = time.time_ns()
    try:
        if instant:
            end = _parse_time(req.query.get("time"), now) + 1
            start = end - 3600 * 10**9
        else:
            end = _parse_time(req.query.get("end"), now)
            since = req.query.get("since")
            default_start = end - 3600 * 10**9
            if since:
                m = re.fullmatch(r"(\d+)(ms|s|m|h)", since)
                if m:
                    mult = {"ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}[m.group(2)]
                    default_start = end - int(m.group(1)) * mult
            start = _parse_time(req.query.get("start"), default_start)
        limit = int(req.query.get("limit", "100"))
    except ValueError as e:
        return _err(req, str(e))
    if limit <= 0:
        return _err(req, "limit must be a positive value")
    direction = req.query.get("direction", "backward").lower()
    with req.lock:
        ents = _entries(req.state, start, end)
    ents = [e for e in ents if _stream_ok(e[1], matchers) and _line_ok(e[2], filters)]
    ents.sort(key=lambda e: e[0], reverse=(direction != "forward"))
    ents = ents[:limit]
    streams = {}
    for ts, labels, line in ents:
        key = tuple(sorted(labels.items()))
        streams.setdefault(key, {"stream": dict(labels), "values": []})["values"].append([str(ts), line])
    body = {
        "status": "success",
        "data": {
            "resultType": "streams",
            "result": list(streams.values()),
            "stats": {"summary": {"bytesProcessedPerSecond": 0, "linesProcessedPerSecond": 0,
                                  "totalBytesProcessed": sum(len(e[2]) for e in ents),
                                  "totalLinesProcessed": len(ents), "execTime": 0.001,
                                  "queueTime": 0, "subqueries": 0, "totalEntriesReturned": len(ents)}},
        },
    }
    return req.reply_json(body)


def handle(req):
    p = req.path
    if p == "/ready":
        if req.state.get("ready", True):
            return req.reply_text("ready\n")
        return req.reply_text("Ingester not ready: waiting for 15s after being ready\n", status=503)
    if p == "/loki/api/v1/labels":
        with req.lock:
            names = sorted({k for ls in _all_labels(req.state) for k in ls})
        return req.reply_json({"status": "success", "data": names} if names else {"status": "success"})
    m = re.fullmatch(r"/loki/api/v1/label/([^/]+)/values", p)
    if m:
        with req.lock:
            vals = sorted({ls[m.group(1)] for ls in _all_labels(req.state) if m.group(1) in ls})
        return req.reply_json({"status": "success", "data": vals} if vals else {"status": "success"})
    if p == "/loki/api/v1/query_range":
        return _query(req, instant=False)
    if p == "/loki/api/v1/query":
        return _query(req, instant=True)
    if p == "/loki/api/v1/tail":
        return _err(req, "websocket: the client is not using the websocket protocol: "
                         "'upgrade' token not found in 'Connection' header")
    return None
