"""Fake Grafana: GET /api/health and GET /api/datasources.

state["database"]: "ok" (default) or anything else -> 503 with that value,
as Grafana does when its database check fails.
state["datasources"]: the datasource list, each {"uid", "name", "type",
"jsonData"}; the other fields of Grafana's answer (id, orgId, typeName,
access, url, basicAuth, isDefault, readOnly) are filled in.  Default:
Prometheus, Loki and a Tempo datasource without a trace-to-logs link.
state["token"]: when set, /api/datasources needs "Authorization: Bearer
<token>" and answers 401 {"message": "Unauthorized"} otherwise.
"""

VERSION = "11.4.0"
COMMIT = "0d3c0c7e5b2a9f41b8e6a1c2d3e4f5a6b7c8d9e0"


DEFAULT_DS = [
    {"uid": "prometheus", "name": "Prometheus", "type": "prometheus", "jsonData": {"httpMethod": "POST"}},
    {"uid": "loki", "name": "Loki", "type": "loki", "jsonData": {"maxLines": 1000}},
    {"uid": "tempo", "name": "Tempo", "type": "tempo", "jsonData": {"nodeGraph": {"enabled": True}}},
]


def init(state, ctx):
    state["database"] = "ok"
    state["datasources"] = DEFAULT_DS
    state["token"] = None


def _datasources(req):
    tok = req.state.get("token")
    if tok and req.header("Authorization") != "Bearer " + tok:
        return req.reply_json({"message": "Unauthorized"}, status=401)
    out = []
    for i, d in enumerate(req.state.get("datasources") or []):
        out.append({"id": i + 1, "uid": d.get("uid", ""), "orgId": 1, "name": d.get("name", ""),
                    "type": d.get("type", ""), "typeName": d.get("type", "").title(),
                    "typeLogoUrl": "public/app/plugins/datasource/%s/img/logo.svg" % d.get("type", ""),
                    "access": "proxy", "url": d.get("url", "http://127.0.0.1:1"), "user": "",
                    "database": "", "basicAuth": False, "isDefault": i == 0,
                    "jsonData": d.get("jsonData", {}), "readOnly": False})
    return req.reply_json(out)


def handle(req):
    if req.path == "/api/health" and req.method in ("GET", "HEAD"):
        db = req.state.get("database", "ok")
        body = {"database": db, "version": VERSION, "commit": COMMIT}
        return req.reply_json(body, status=200 if db == "ok" else 503, indent=2)
    if req.path == "/api/datasources" and req.method == "GET":
        return _datasources(req)
    if req.path == "/" and req.method == "GET":
        return 302, {"Location": "/login", "Content-Type": "text/html; charset=utf-8"}, \
            b'<a href="/login">Found</a>.\n\n'
    if req.path == "/login" and req.method == "GET":
        return req.reply_text("<!DOCTYPE html><html><head><title>Grafana</title></head>"
                              "<body>Grafana (fake)</body></html>\n",
                              content_type="text/html; charset=utf-8")
    return None
