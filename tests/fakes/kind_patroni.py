"""Fake Patroni REST API: GET /cluster and GET /history.

The shapes follow Patroni's documented REST API (docs/rest_api.rst):
/cluster is {"members": [{"name", "role", "state", "api_url", "host",
"port", "timeline", "lag"}], "scope"} with "pause": true in maintenance
mode; a replica's "lag" is bytes or "unknown"; /history is a list of
[timeline, lsn, reason, timestamp, new_leader].

state["members"]: the member list (default: leader pg1 on timeline 3, a
streaming replica pg2 with lag 0 and a sync_standby pg3 with lag 4096).
state["pause"]: true adds "pause": true.
state["history"]: the history list (default: two switches, the last to pg1).
"""

DEFAULT_MEMBERS = [
    {"name": "pg1", "role": "leader", "state": "running", "host": "10.0.0.11", "port": 5432,
     "api_url": "http://10.0.0.11:8008/patroni", "timeline": 3},
    {"name": "pg2", "role": "replica", "state": "streaming", "host": "10.0.0.12", "port": 5432,
     "api_url": "http://10.0.0.12:8008/patroni", "timeline": 3, "lag": 0},
    {"name": "pg3", "role": "sync_standby", "state": "streaming", "host": "10.0.0.13", "port": 5432,
     "api_url": "http://10.0.0.13:8008/patroni", "timeline": 3, "lag": 4096},
]
DEFAULT_HISTORY = [
    [1, 25623960, "no recovery target specified", "2026-10-02T08:14:21.412+00:00", "pg2"],
    [2, 50331808, "no recovery target specified", "2026-11-30T10:00:00.000+00:00", "pg1"],
]


def init(state, ctx):
    state["members"] = DEFAULT_MEMBERS
    state["pause"] = False
    state["history"] = DEFAULT_HISTORY


def handle(req):
    if req.method != "GET":
        return None
    if req.path == "/cluster":
        body = {"members": req.state.get("members") or [], "scope": "ceres"}
        if req.state.get("pause"):
            body["pause"] = True
        return req.reply_json(body)
    if req.path == "/history":
        return req.reply_json(req.state.get("history") or [])
    return None
