#!/usr/bin/env python3
"""The demo's story, put into a running sandbox (demo.sh; not used by tests).

  demo_data.py DIR

A Ceres morning: ceres/infra got a push ten minutes ago that lowered
PostgreSQL's max_connections from 200 to 100; since a few minutes the
services log "too many clients" and the connection pool of ceres-db01 is
at 97/100, so the critical DatabaseConnectionPoolExhausted alert
(tests/sandbox/demo-rules.yml) fires at the first rule evaluation;
a Redmine issue tracks it (SANDBOX_PROFILE=demo seed); the certificate
warning is already silenced, with a comment.

Writes the node exporter's textfile metrics (DIR/node/textfile), replaces
the Loki stand-in's generated lines with the demo's log lines (the ones
ahead of now appear as time passes, for an hour), gives the Gitea
stand-in the demo's events instead of its built-in history, and adds the
silence to Alertmanager.  Python standard library only.
"""

import json
import os
import sys
import time
import urllib.request


def ports(d):
    env = {}
    with open(os.path.join(d, "ports.env"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def metrics(d, now):
    tf = os.path.join(d, "node", "textfile")
    os.makedirs(tf, exist_ok=True)
    body = (
        "# HELP pg_stat_activity_count Connections to ceres-db01 by state (postgres_exporter).\n"
        "# TYPE pg_stat_activity_count gauge\n"
        'pg_stat_activity_count{datname="gitea",state="active"} 31\n'
        'pg_stat_activity_count{datname="keycloak",state="active"} 24\n'
        'pg_stat_activity_count{datname="nextcloud",state="idle"} 27\n'
        'pg_stat_activity_count{datname="redmine",state="idle"} 15\n'
        "# HELP pg_settings_max_connections max_connections of ceres-db01.\n"
        "# TYPE pg_settings_max_connections gauge\n"
        "pg_settings_max_connections 100\n"
        "# HELP ceres_tls_cert_not_after_seconds Expiry of the certificates Caddy serves.\n"
        "# TYPE ceres_tls_cert_not_after_seconds gauge\n"
        'ceres_tls_cert_not_after_seconds{host="wiki.ceres.example"} %d\n'
        'ceres_tls_cert_not_after_seconds{host="cloud.ceres.example"} %d\n'
        % (now + 9 * 86400 + 3 * 3600, now + 71 * 86400)
    )
    tmp = os.path.join(tf, ".demo.prom.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(body)
    os.replace(tmp, os.path.join(tf, "demo.prom"))


def stream(app, level, host="ceres-db01"):
    return {"job": "ceres/" + app, "app": app, "level": level, "host": host}


def log_lines(now):
    """(labels, ts, line): quiet until 5 minutes ago, then errors building up;
    lines ahead of now keep the story going for an hour."""
    out = []
    pg = stream("postgresql", "error")
    for t in range((now - 900) // 3 * 3, now + 3600, 3):   # multiples of 3
        age = now - t                       # > 0: in the past
        ts = iso(t)
        if age > 300:                        # a normal morning
            if t % 30 == 0:
                out.append((stream("postgresql", "info"), t,
                            "%s [%d] LOG:  checkpoint complete: wrote %d buffers" % (ts, 2100 + t % 50, 120 + t % 90)))
            elif t % 12 == 0:
                out.append((stream("gitea", "info", "ceres-app01"), t,
                            "%s INFO [router] GET /ceres/infra/commits 200 %dms" % (ts, 8 + t % 30)))
            continue
        # errors: one every 15 s five minutes ago, every 3 s from two minutes ago
        step = 15 if age > 120 else 6 if age > 0 else 3
        if t % step:
            continue
        k = (t // step) % 4
        if k == 0:
            out.append((pg, t, "%s [%d] FATAL:  sorry, too many clients already" % (ts, 3000 + t % 900)))
        elif k == 1:
            out.append((stream("gitea", "error", "ceres-app01"), t,
                        "%s ERROR [models/db] ping: pq: sorry, too many clients already" % ts))
        elif k == 2:
            out.append((stream("keycloak", "error", "ceres-sso01"), t,
                        "%s ERROR [org.hibernate.engine.jdbc.spi.SqlExceptionHelper] FATAL: remaining "
                        "connection slots are reserved for non-replication superuser connections" % ts))
        else:
            out.append((stream("nextcloud", "warn", "ceres-app01"), t,
                        "%s WARN [db] Failed to connect to the database: too many clients, retrying in 5s" % ts))
    return out


def loki(p, now):
    base = "http://127.0.0.1:%s" % p["LOKI_PORT"]
    post(base + "/__fake/state", {"generate": False})
    post(base + "/__loki/clear", {})
    streams = {}
    for labels, t, line in log_lines(now):
        key = json.dumps(labels, sort_keys=True)
        streams.setdefault(key, {"stream": labels, "values": []})["values"].append([str(t * 10**9), line])
    post(base + "/__loki/push", {"streams": list(streams.values())})


def gitea(p, now):
    base = "http://127.0.0.1:%s" % p["GITEA_PORT"]
    add = [  # oldest first
        {"op": "merge_pull_request", "repo": "ceres/app", "actor": "dkarpov",
         "content": "118|Nextcloud: move previews to object storage", "created": iso(now - 5400)},
        {"op": "create_pull_request", "repo": "ceres/infra", "actor": "lsato",
         "content": "57|grafana: dashboards for the Redis replicas", "created": iso(now - 2700)},
        {"op": "commit_repo", "repo": "ceres/infra", "actor": "mkovacs", "ref": "refs/heads/main",
         "author": "Marta Kovács", "email": "mkovacs@ceres.example",
         "sha": "4e1f0c9b7a2d83e6f5c1b0a9d8e7f6a5b4c3d2e1", "before": "9a0b3c7d51e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0",
         "message": "postgresql: max_connections 200 -> 100 on ceres-db01\n\n"
                    "Frees 1.6 GB for shared_buffers; pgbouncer should keep us well below.\n",
         "created": iso(now - 600)},
        {"op": "comment_issue", "repo": "ceres/infra", "actor": "dkarpov",
         "content": "61|pgbouncer is not in front of Keycloak yet",
         "comment": "Keycloak and Gitea still connect to db01 directly, so the new limit hits them first.",
         "created": iso(now - 60)},
    ]
    post(base + "/__fake/state", {"base_feed": False, "add": add, "repos": ["ceres/infra", "ceres/app"]})


SILENCE_COMMENT = "Renewed with the wiki migration on Thursday (OPS #2); the old host is gone then."


def silence(p, now):
    base = "http://127.0.0.1:%s" % p["AM_PORT"]
    with urllib.request.urlopen(base + "/api/v2/silences", timeout=10) as r:
        if any(s.get("comment") == SILENCE_COMMENT and s.get("status", {}).get("state") == "active"
               for s in json.load(r)):
            return      # a kept demo directory (--keep) has it already
    post(base + "/api/v2/silences", {
        "matchers": [{"name": "alertname", "value": "TLSCertificateExpiresSoon", "isRegex": False, "isEqual": True},
                     {"name": "host", "value": "wiki.ceres.example", "isRegex": False, "isEqual": True}],
        "startsAt": iso(now - 3 * 3600), "endsAt": iso(now + 3 * 86400), "createdBy": "lsato",
        "comment": SILENCE_COMMENT})


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: demo_data.py DIR")
    d = sys.argv[1]
    p = ports(d)
    now = int(time.time())
    metrics(d, now)
    loki(p, now)
    gitea(p, now)
    silence(p, now)


if __name__ == "__main__":
    main()
