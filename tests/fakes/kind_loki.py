"""Fake Loki: /ready, /loki/api/v1/labels, /loki/api/v1/label/<name>/values,
/loki/api/v1/query_range (and /query for log queries), and a push endpoint
so that tests can make lines appear.

Answers follow the shapes of Loki 3.x (see the loki-http-api reference):
timestamps are nanosecond epoch STRINGS, errors are text/plain, the labels
answer omits "data" when there are no names, query_range carries
data.stats.  query_range honours start (inclusive), end (exclusive),
limit (over all streams together), direction=forward|backward (default
backward) and since; limit above max_entries gives Loki's 400.

Generated lines: one entry per whole second from a few streams (STREAMS),
so successive polls see new lines.  Every 60 s there is one line carrying
unicode and an SGR colour sequence, and one with a non-SGR control
sequence, to exercise the terminal sanitiser.

Pushed lines (any number of streams, equal timestamps allowed):
  POST /__loki/push {"stream": {"app": "x"}, "values": [["<ns>", "line"], ...]}
  POST /__loki/push {"streams": [{"stream": {...}, "values": [...]}, ...]}
  POST /loki/api/v1/push   (Loki's own JSON push body, same as above)
A value's timestamp may be "" or omitted ([null, "line"]): now.  Answer:
{"accepted": N, "ts": ["<ns>", ...]}.  The newest 500,000 pushed entries
are kept.
  POST /__loki/clear       drop the pushed entries (generated lines stay)

Supported LogQL subset: a stream selector {l="v", l!="v", l=~"re", l!~"re"}
followed by any number of line filters |= "s", != "s", |~ "re", !~ "re".
Anything else is a 400 text/plain parse error, as Loki answers.

State (POST /__fake/state):
  "ready": false          -> /ready answers 503 "Ingester not ready: ..."
  "generate": false       -> no generated lines
  "entries": [{"labels": {...}, "line": "...", "ts": "<ns>"}]  extra entries
                             (ts optional: defaults to now)
  "shuffle_ties": true    -> lines sharing a timestamp come in a random order
                             in every answer (Loki gives no order among them)
  "max_entries": 5000     -> max_entries_limit_per_query
  "org_id": "t1"          -> multi-tenant: X-Scope-OrgID must be "t1" (401
                             "no org id" without it, as Loki answers)
  "bearer": "tok"         -> Authorization: Bearer tok required (401)
  "basic": "user:pass"    -> HTTP basic auth required (401)
  "rule_groups": null     -> the ruler is not enabled: /prometheus/api/v1/rules
                             answers 404 "404 page not found" (default)
  "rule_groups": [{"name": "g", "rules": [{"name": "A", "type": "alerting",
                   "query": "...", "health": "ok"}]}]
                          -> the ruler's rules in the Prometheus shape Loki
                             answers (state, labels, annotations, alerts,
                             lastError, lastEvaluation filled in)
Failures (5xx, malformed JSON, slow answers) come from the generic
POST /__fake/override, e.g.
  {"path": "/loki/api/v1/query_range", "status": 502, "body": "bad gateway\\n", "times": 2}
  {"path": "/loki/api/v1/query_range", "status": 200, "body": "{\\"status\\":",
   "content_type": "application/json", "times": 1}
  {"path": "/loki/api/v1/query_range", "delay": 5, "times": 1}
"""

import base64
import bisect
import random
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
MAX_PUSHED = 500_000


def init(state, ctx):
    state["ready"] = True
    state["generate"] = True
    state["entries"] = []
    state["shuffle_ties"] = False
    state["max_entries"] = 5000
    # pushed lines: "pushed" is a list of (ts, seq, stream_id, line) sorted
    # by (ts, seq); "pstreams" maps stream_id -> labels dict.
    state["pushed"] = []
    state["pstreams"] = {}
    state["pkeys"] = {}
    state["pseq"] = 0
    state["rule_groups"] = None


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


def _generated(state, start_ns, end_ns, matchers):
    """Generated and state["entries"] entries with start_ns <= ts < end_ns:
    (ts_ns, seq, labels_dict, line)."""
    out = []
    if state.get("generate", True) and any(_stream_ok(s, matchers) for s in STREAMS):
        first = max(start_ns // 1_000_000_000, end_ns // 1_000_000_000 - 6 * 3600)
        for t in range(first, end_ns // 1_000_000_000 + 1):
            ts = t * 1_000_000_000 + (t % 1000) * 1000
            if start_ns <= ts < end_ns:
                r = _line_for(t)
                if r and _stream_ok(STREAMS[r[0]], matchers):
                    out.append((ts, -1, STREAMS[r[0]], r[1]))
    for i, e in enumerate(state.get("entries") or []):
        ts = int(e.get("ts") or 0)
        labels = e.get("labels") or {"job": "injected"}
        if start_ns <= ts < end_ns and _stream_ok(labels, matchers):
            out.append((ts, -2 - i, labels, e.get("line", "")))
    return out


def _pushed(state, start_ns, end_ns, matchers, filters, limit, forward):
    """Up to `limit` matching pushed entries nearest the start (forward) or
    the end (backward) of the window, plus every entry sharing the last
    timestamp taken (so ties can be cut the way Loki cuts them later)."""
    ok_streams = {sid for sid, ls in state["pstreams"].items() if _stream_ok(ls, matchers)}
    if not ok_streams:
        return []
    p = state["pushed"]
    lo = bisect.bisect_left(p, (start_ns,))
    hi = bisect.bisect_left(p, (end_ns,))
    out = []
    rng = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
    last_ts = None
    for i in rng:
        ts, seq, sid, line = p[i]
        if len(out) >= limit and ts != last_ts:
            break
        if sid in ok_streams and _line_ok(line, filters):
            out.append((ts, seq, state["pstreams"][sid], line))
            last_ts = ts
    return out


def _err(req, msg, status=400):
    return req.reply_text(msg + "\n", status=status)


def _auth_error(req):
    st = req.state
    if st.get("org_id") and req.header("X-Scope-OrgID") != st["org_id"]:
        return _err(req, "no org id", 401)
    if st.get("bearer") and req.header("Authorization") != "Bearer " + st["bearer"]:
        return _err(req, "unauthorized", 401)
    if st.get("basic"):
        want = "Basic " + base64.b64encode(st["basic"].encode()).decode()
        if req.header("Authorization") != want:
            return _err(req, "unauthorized", 401)
    return None


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
    if end <= start and not instant:
        return _err(req, "end timestamp must not be before or equal to start time")
    direction = req.query.get("direction", "backward").lower()
    forward = direction == "forward"
    with req.lock:
        max_entries = int(req.state.get("max_entries") or 5000)
        shuffle = bool(req.state.get("shuffle_ties"))
        if limit > max_entries:
            return _err(req, "max entries limit per query exceeded, limit > max_entries_limit_per_query "
                        "(%d > %d)" % (limit, max_entries))
        ents = [e for e in _generated(req.state, start, end, matchers) if _line_ok(e[3], filters)]
        ents += _pushed(req.state, start, end, matchers, filters, limit, forward)
    if shuffle:
        ents.sort(key=lambda e: (e[0], random.random()), reverse=not forward)
    else:
        ents.sort(key=lambda e: (e[0], e[1]), reverse=not forward)
    ents = ents[:limit]
    streams = {}
    for ts, _seq, labels, line in ents:
        key = tuple(sorted(labels.items()))
        streams.setdefault(key, {"stream": dict(labels), "values": []})["values"].append([str(ts), line])
    body = {
        "status": "success",
        "data": {
            "resultType": "streams",
            "result": list(streams.values()),
            "stats": {"summary": {"bytesProcessedPerSecond": 0, "linesProcessedPerSecond": 0,
                                  "totalBytesProcessed": sum(len(e[3]) for e in ents),
                                  "totalLinesProcessed": len(ents), "execTime": 0.001,
                                  "queueTime": 0, "subqueries": 0, "totalEntriesReturned": len(ents)}},
        },
    }
    return req.reply_json(body)


def _go_string(s):
    """A pushed string as Loki (Go's JSON decoder) keeps it: an unpaired
    surrogate escape (\\udcff) becomes U+FFFD; pairs stay as they are."""
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _push(req):
    try:
        body = req.json()
    except ValueError as e:
        return _err(req, "bad JSON: %s" % e)
    if not isinstance(body, dict):
        return _err(req, "expected a JSON object")
    streams = body.get("streams")
    if streams is None:
        streams = [body]
    if not isinstance(streams, list):
        return _err(req, "streams must be a list")
    now = time.time_ns()
    accepted, stamps, new = 0, [], []
    with req.lock:
        st = req.state
        for s in streams:
            labels = s.get("stream") if isinstance(s, dict) else None
            values = s.get("values") if isinstance(s, dict) else None
            if not isinstance(labels, dict) or not isinstance(values, list) or not labels:
                return _err(req, "each stream needs a non-empty \"stream\" object and \"values\"")
            labels = {_go_string(str(k)): _go_string(str(v)) for k, v in labels.items()}
            key = "\x00".join("%s=%s" % kv for kv in sorted(labels.items()))
            sid = st["pkeys"].get(key)
            if sid is None:
                sid = len(st["pkeys"])
                st["pkeys"][key] = sid
                st["pstreams"][sid] = labels
            for v in values:
                if not isinstance(v, list) or len(v) < 2 or not isinstance(v[1], str):
                    return _err(req, "each value must be [\"<ns>\", \"line\"]")
                ts = now if v[0] in (None, "") else int(v[0])
                st["pseq"] += 1
                new.append((ts, st["pseq"], sid, _go_string(v[1])))
                stamps.append(str(ts))
                accepted += 1
        p = st["pushed"]
        if new:
            new.sort()
            if not p or new[0] >= p[-1]:
                p.extend(new)
            else:
                p.extend(new)
                p.sort()
            if len(p) > MAX_PUSHED:
                del p[: len(p) - MAX_PUSHED]
    return req.reply_json({"accepted": accepted, "ts": stamps})


def _all_labels(state):
    ls = list(STREAMS) if state.get("generate", True) else []
    ls += [e.get("labels") or {"job": "injected"} for e in state.get("entries") or []]
    ls += list(state["pstreams"].values())
    return ls


def _rules(req):
    groups = req.state.get("rule_groups")
    if groups is None:
        return req.reply_text("404 page not found\n", status=404)
    now = datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out = []
    for g in groups:
        rules = []
        for r in g.get("rules", []):
            rule = {"name": r.get("name", ""), "query": r.get("query", "vector(1)"),
                    "labels": r.get("labels", {}), "health": r.get("health", "ok"),
                    "lastError": r.get("lastError", ""), "type": r.get("type", "alerting"),
                    "lastEvaluation": now, "evaluationTime": 0.001}
            if rule["type"] == "alerting":
                rule.update({"state": "inactive", "duration": 300, "alerts": [],
                             "annotations": r.get("annotations", {})})
            rules.append(rule)
        out.append({"name": g.get("name", ""), "file": "/loki/rules/fake/%s.yml" % g.get("name", ""),
                    "rules": rules, "interval": 60, "lastEvaluation": now, "evaluationTime": 0.002})
    return req.reply_json({"status": "success", "data": {"groups": out}, "errorType": "", "error": ""})


def handle(req):
    p = req.path
    if p == "/ready":
        if req.state.get("ready", True):
            return req.reply_text("ready\n")
        return req.reply_text("Ingester not ready: waiting for 15s after being ready\n", status=503)
    if p in ("/__loki/push", "/loki/api/v1/push") and req.method == "POST":
        return _push(req)
    if p == "/__loki/clear" and req.method == "POST":
        with req.lock:
            req.state["pushed"] = []
        return req.reply_json({"ok": True})
    if p.startswith("/loki/") or p.startswith("/prometheus/"):
        denied = _auth_error(req)
        if denied:
            return denied
    if p == "/prometheus/api/v1/rules":
        return _rules(req)
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
