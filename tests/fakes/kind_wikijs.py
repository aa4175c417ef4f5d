"""Fake Wiki.js: GET / returns an HTML page (200); POST /graphql answers
the storage query (storage { targets { ... } status { ... } }) in the
shape of Wiki.js 2.x (server/graph/schemas/storage.graphql, resolvers
storage.js): each target {isAvailable, isEnabled, key, title, mode,
hasSchedule, syncInterval, config: [{key, value: "<JSON text>"}]}; status
lists the enabled targets {key, title, status, message, lastAttempt}.
Errors come back with HTTP 200 in an "errors" array.

state["git"]: None (default: the git target is there but disabled, as on
a fresh Wiki.js) or {"enabled": bool, "mode", "syncInterval", "repoUrl",
"status", "message", "lastAttempt"}.
state["no_git"]: true drops the git target from the list.
state["token"]: when set, the query needs "Authorization: Bearer <token>";
otherwise the answer is the "Forbidden" error with storage fields null.
"""

import json

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ceres Wiki</title></head>
<body><div id="root">Wiki.js (fake) &mdash; Ceres runbooks</div></body>
</html>
"""


def init(state, ctx):
    state["git"] = None
    state["no_git"] = False
    state["token"] = None


def _cfg(key, title, value, sensitive=False):
    shown = "********" if sensitive and value else value
    return {"key": key, "value": json.dumps({"type": "string", "title": title, "default": "",
                                            "sensitive": sensitive, "value": shown})}


def _targets(state):
    git = state.get("git") or {}
    out = [{"isAvailable": True, "isEnabled": False, "key": "disk", "title": "Local File System",
            "mode": "push", "hasSchedule": True, "syncInterval": "P0D", "config": []}]
    if not state.get("no_git"):
        out.append({"isAvailable": True, "isEnabled": bool(git.get("enabled")), "key": "git", "title": "Git",
                    "mode": git.get("mode", "sync"), "hasSchedule": True,
                    "syncInterval": git.get("syncInterval", "PT5M"),
                    "config": [_cfg("authType", "Authentication Type", "basic"),
                               _cfg("basicPassword", "Password / PAT", "hunter2-not-shown", True),
                               _cfg("repoUrl", "Repository URI", git.get("repoUrl", ""))]})
    return out


def _status(state):
    git = state.get("git") or {}
    if state.get("no_git") or not git.get("enabled"):
        return []
    return [{"key": "git", "title": "Git", "status": git.get("status", "pending"),
             "message": git.get("message", "Initializing..."), "lastAttempt": git.get("lastAttempt")}]


def _graphql(req):
    try:
        q = json.loads(req.text).get("query", "")
    except (ValueError, AttributeError):
        return req.reply_json({"errors": [{"message": "POST body missing."}]}, status=400)
    if "storage" not in q:
        return req.reply_json({"errors": [{"message": "Cannot query field on type \"Query\"."}]}, status=400)
    tok = req.state.get("token")
    if tok and req.header("Authorization") != "Bearer " + tok:
        return req.reply_json({"errors": [{"message": "Forbidden", "locations": [{"line": 1, "column": 13}],
                                           "path": ["storage", "targets"],
                                           "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
                               "data": {"storage": {"targets": None, "status": None}}})
    return req.reply_json({"data": {"storage": {"targets": _targets(req.state), "status": _status(req.state)}}})


def handle(req):
    if req.method in ("GET", "HEAD") and req.path in ("/", "/healthz"):
        return req.reply_text(PAGE, content_type="text/html; charset=utf-8")
    if req.method == "POST" and req.path == "/graphql":
        return _graphql(req)
    return None
