#!/usr/bin/env python3
"""Stand-ins for bench/fleet: one loopback port per site, on as many
loopback addresses as the site has backends (Prometheus on 127.0.0.1,
Alertmanager on 127.0.0.2, service N on 127.0.0.(10+N)), so each is a
host of its own; every answer comes after DELAY seconds, with keep-alive.
The last HANG sites accept connections and never answer.  An
Alertmanager answer holds ALERTS alerts (a tenth critical).

Usage: fleet_standins.py BASE_PORT SITES HANG DELAY ALERTS SERVICES
Prints "ready" once every port listens.  python3 stdlib only (asyncio)."""
import asyncio
import datetime
import json
import sys

base, sites, hang, delay, nalerts, nsvc = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                           float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
ADDRS = ["127.0.0.1", "127.0.0.2"] + ["127.0.0.%d" % (10 + k) for k in range(nsvc)]


def alerts_body(site):
    now = datetime.datetime.now(datetime.timezone.utc)
    f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    out = []
    for i in range(nalerts):
        sev = "critical" if i % 10 == 0 else "warning"
        labels = {"alertname": "Bench%03d" % (i % 40), "severity": sev, "site": site,
                  "instance": "host%03d:9100" % i, "job": "node"}
        out.append({"labels": labels, "annotations": {"summary": "bench alert %d of %s" % (i, site)},
                    "startsAt": f(now - datetime.timedelta(minutes=i)),
                    "endsAt": f(now + datetime.timedelta(hours=1)), "updatedAt": f(now),
                    "generatorURL": "http://prometheus/graph", "fingerprint": "%016x" % (hash((site, i)) & (2**64 - 1)),
                    "receivers": [{"name": "null"}],
                    "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}})
    return json.dumps(out).encode()


TARGETS = json.dumps({"status": "success", "data": {"activeTargets": [
    {"labels": {"instance": "127.0.0.1:9090", "job": "prometheus"}, "scrapePool": "prometheus",
     "scrapeUrl": "http://127.0.0.1:9090/metrics", "lastError": "", "health": "up",
     "lastScrape": "2026-01-01T00:00:00Z", "lastScrapeDuration": 0.001,
     "scrapeInterval": "15s", "scrapeTimeout": "10s"}], "droppedTargets": []}}).encode()
STATUS = json.dumps({"cluster": {"status": "disabled", "peers": []}, "versionInfo": {"version": "0.27.0"},
                     "config": {"original": ""}, "uptime": "2026-01-01T00:00:00Z"}).encode()


def answer(path, site, cache):
    p = path.split("?", 1)[0]
    if p.endswith("/api/v2/alerts"):
        if site not in cache:
            cache[site] = alerts_body(site)
        return 200, "application/json", cache[site]
    if p.endswith("/api/v2/silences"):
        return 200, "application/json", b"[]"
    if p.endswith("/api/v2/status"):
        return 200, "application/json", STATUS
    if p.endswith("/api/v1/targets"):
        return 200, "application/json", TARGETS
    if p.endswith("/-/ready") or p.endswith("/-/healthy") or p.startswith("/svc/"):
        return 200, "text/plain", b"ok\n"
    return 404, "text/plain", b"not found\n"


async def serve(reader, writer, site, cache):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(delay)
            status, ctype, body = answer(path, site, cache)
            writer.write(b"HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                         % (status, ctype.encode(), len(body)) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def silent(reader, writer):
    try:
        while await reader.read(65536):
            pass
    except ConnectionError:
        pass


async def main():
    cache = {}
    servers = []
    for i in range(sites):
        site = "s%02d" % i
        for addr in ADDRS:
            if i >= sites - hang:
                servers.append(await asyncio.start_server(silent, addr, base + i))
            else:
                servers.append(await asyncio.start_server(
                    lambda r, w, s=site: serve(r, w, s, cache), addr, base + i))
    print("ready", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
