"""Fake Uptime Kuma 2.x public status page.

  GET /api/status-page/{slug}             page config + monitor groups (2.x shape)
  GET /api/status-page/heartbeat/{slug}   heartbeatList / uptimeList keyed by string ids
Unknown slug: page -> 404 {"status":"fail","msg":"Status Page Not Found"},
heartbeat -> 200 {"heartbeatList":{},"uptimeList":{}} (as the real server).

  GET /metrics                            Prometheus text: monitor_status, monitor_response_time,
                                          monitor_cert_days_remaining per monitor; HTTP Basic, any
                                          user, password = state "api_key" (else 401, empty body)

State (POST /__fake/state):
  "slug": "ceres"
  "api_key": "uk1_ceres-test-key"
  "status": {"1": 1, "2": 1, ...}   last-beat status per monitor id:
                                    0 DOWN, 1 UP, 2 PENDING, 3 MAINTENANCE
"""

import re
import time

MONITORS = [
    (1, "Gitea", "http", "http://127.0.0.1:3001/api/healthz"),
    (2, "Grafana", "keyword", "http://127.0.0.1:3000/api/health"),
    (3, "Nextcloud", "http", "http://127.0.0.1:8080/status.php"),
    (4, "Keycloak", "http", "http://127.0.0.1:9000/health/ready"),
]
BEATS = 10
INTERVAL = 60


def init(state, ctx):
    state["slug"] = "ceres"
    state["status"] = {str(m[0]): 1 for m in MONITORS}
    state["api_key"] = "uk1_ceres-test-key"


def _metrics(req):
    import base64
    auth = req.header("authorization", "")
    ok = False
    if auth.lower().startswith("basic "):
        try:
            user_pw = base64.b64decode(auth[6:].strip()).decode("utf-8", "replace")
            ok = user_pw.split(":", 1)[-1] == req.state.get("api_key")
        except ValueError:
            ok = False
    if not ok:
        return 401, {"WWW-Authenticate": "Basic", "Content-Length": "0"}, b""
    lines = []
    for name, help_, fn in (
            ("monitor_cert_days_remaining", "The number of days remaining until the certificate expires",
             lambda mid, st: 61),
            ("monitor_response_time", "Monitor Response Time (ms)",
             lambda mid, st: -1 if st != 1 else 20 + mid * 7),
            ("monitor_status", "Monitor Status (1 = UP, 0= DOWN, 2= PENDING, 3= MAINTENANCE)",
             lambda mid, st: st)):
        lines.append("# HELP %s %s" % (name, help_))
        lines.append("# TYPE %s gauge" % name)
        for mid, mname, mtype, url in MONITORS:
            st = int((req.state.get("status") or {}).get(str(mid), 1))
            lines.append('%s{monitor_id="%d",monitor_name="%s",monitor_type="%s",monitor_url="%s",'
                         'monitor_hostname="null",monitor_port="null"} %d'
                         % (name, mid, mname, mtype, url, fn(mid, st)))
    return req.reply_text("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")


def _fmt(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch)) + ".%03d" % (int(epoch * 1000) % 1000)


def _page(slug):
    return {
        "config": {
            "slug": slug, "title": "Ceres Status", "description": "Ceres platform services",
            "icon": "/icon.svg", "autoRefreshInterval": 300, "theme": "auto", "published": True,
            "showTags": False, "customCSS": "body {\n  \n}\n", "footerText": None,
            "showPoweredBy": True, "analyticsId": None, "analyticsScriptUrl": None,
            "analyticsType": None, "showCertificateExpiry": False,
            "showOnlyLastHeartbeat": False, "rssTitle": None,
        },
        "incidents": [],
        "publicGroupList": [{
            "id": 1, "name": "Services", "weight": 1,
            "monitorList": [dict({"id": i, "name": n, "sendUrl": 1 if t == "keyword" else 0, "type": t},
                                 **({"url": u} if t == "keyword" else {}))
                            for i, n, t, u in MONITORS],
        }],
        "maintenanceList": [],
    }


def _heartbeats(state):
    now = time.time()
    last = now - (now % INTERVAL) + 0.123
    hb, up = {}, {}
    for mid, _name, _t, _u in MONITORS:
        key = str(mid)
        final = int((state.get("status") or {}).get(key, 1))
        beats = []
        for k in range(BEATS - 1, -1, -1):            # oldest first
            t = last - k * INTERVAL
            st = final if k == 0 else 1
            if mid == 2 and k == 5:
                st = 0                                  # one past outage for realism
            beats.append({"status": st, "time": _fmt(t), "msg": "",
                          "ping": None if st in (0, 2, 3) else 20 + (mid * 7 + k * 3) % 40})
        hb[key] = beats
        downs = sum(1 for b in beats if b["status"] == 0)
        up[key + "_24"] = 1 if downs == 0 else 1 - downs / 1440
    return {"heartbeatList": hb, "uptimeList": up}


def handle(req):
    if req.method not in ("GET", "HEAD"):
        return None
    if req.path == "/metrics":
        return _metrics(req)
    m = re.fullmatch(r"/api/status-page/heartbeat/([^/]+)", req.path)
    if m:
        with req.lock:
            if m.group(1) != req.state.get("slug"):
                return req.reply_json({"heartbeatList": {}, "uptimeList": {}})
            return req.reply_json(_heartbeats(req.state))
    m = re.fullmatch(r"/api/status-page/([^/]+)", req.path)
    if m:
        if m.group(1) != req.state.get("slug"):
            return req.reply_json({"status": "fail", "msg": "Status Page Not Found"}, status=404)
        return req.reply_json(_page(m.group(1)))
    if req.path == "/":
        return 302, {"Location": "/dashboard"}, b"Found. Redirecting to /dashboard"
    return None
